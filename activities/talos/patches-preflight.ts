import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import type { PreflightGroup, PreflightProblem } from '../../api/preflight.ts';
import { describePatch, type PatchLocation } from './config-errors.ts';
import { generateSecretsBundle } from './generate-secrets-bundle.ts';
import { renderMachineConfig } from './render-machine-config.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

// Patches never depend on key material, so one throwaway bundle per process serves every check.
let throwaway: Promise<SecretsBundle> | undefined;
const throwawayBundle = (): Promise<SecretsBundle> => (throwaway ??= generateSecretsBundle());

/**
 * Renders a sample machine of every group with its patches applied, as the real machines will be,
 * so a patch whose path does not exist or that breaks the config is refused before a VM is cloned
 * (instead of blocking the step that renders the first machine's config).
 */
export async function patchProblems(groups: readonly PreflightGroup[]): Promise<PreflightProblem[]> {
  const bundle = await throwawayBundle();
  const problems: PreflightProblem[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    try {
      renderMachineConfig(group.config, bundle);
    } catch (error) {
      const problem = describeRenderFailure(group, error);
      const key = `${problem.object} ${problem.field}`;
      if (!seen.has(key)) problems.push(problem); // one TalosConfigTemplate shared by several MachineDeployments
      seen.add(key);
    }
  }
  return problems;
}

function describeRenderFailure(group: PreflightGroup, error: unknown): PreflightProblem {
  if (!(error instanceof ApplicationFailure)) throw error;
  const detail: unknown = error.details?.[0];
  if (error.type === ErrorType.InvalidConfigPatch && isPatchDetail(detail)) {
    const { list, index, operation } = detail;
    return {
      object: group.configObject,
      field: `${group.patchesPath}.${describePatch({ list, index, ...(operation ? { operation } : {}) })}`,
      message: `${detail.path && !operation ? `at ${detail.path}: ` : ''}${detail.reason}: fix the patch or remove it`,
    };
  }
  return {
    object: group.configObject,
    field: group.patchesPath,
    message: `the patched machine config is not valid (${error.message}): fix the patches`,
  };
}

function isPatchDetail(value: unknown): value is PatchLocation & { readonly reason: string; readonly path?: string } {
  return typeof value === 'object' && value !== null && 'list' in value && 'index' in value && 'reason' in value;
}
