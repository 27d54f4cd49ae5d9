import { ErrorType } from '../../api/errors.ts';
import { MachineConfigInput } from '../../api/talos/machine-config-input.ts';
import { applyConfigPatches } from './apply-config-patches.ts';
import { applyStrategicPatches } from './apply-strategic-patches.ts';
import { describeIssues, talosConfigFailure } from './config-errors.ts';
import type { JsonObject } from './json-value.ts';
import { V1alpha1Config } from './machine-config-schema.ts';
import { stringifyConfigDocuments } from './machine-config-yaml.ts';
import { renderClusterSection } from './render-cluster-section.ts';
import { renderMachineSection } from './render-machine-section.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/** A rendered machine config: its documents (v1alpha1 first) and their YAML text. */
export interface RenderedMachineConfig {
  readonly documents: readonly JsonObject[];
  readonly yaml: string;
}

/** Checks a config's v1alpha1 document; a broken one is a non-retryable InvalidMachineConfig. */
export function validateMachineConfig(documents: readonly JsonObject[]): void {
  const main = documents.find((document) => document.kind === undefined);
  const result = V1alpha1Config.safeParse(main);
  if (!result.success) {
    throw talosConfigFailure(ErrorType.InvalidMachineConfig, 'invalid machine config', describeIssues(result.error.issues));
  }
}

/**
 * Renders a controlplane or worker machine config: the v1alpha1 document Talos' generator would
 * produce for these inputs, then `configPatches` (RFC 6902), then `strategicPatches`, then
 * validation. Pure and deterministic for a given bundle; secrets stay inside the activity.
 */
export function renderMachineConfig(input: MachineConfigInput, bundle: SecretsBundle): RenderedMachineConfig {
  const parsed = MachineConfigInput.safeParse(input);
  if (!parsed.success) {
    throw talosConfigFailure(ErrorType.InvalidMachineConfigInput, 'invalid machine config input', describeIssues(parsed.error.issues));
  }
  const spec = parsed.data;
  const documents: JsonObject[] = [
    {
      version: 'v1alpha1',
      debug: false,
      persist: true,
      machine: renderMachineSection(spec, bundle),
      cluster: renderClusterSection(spec, bundle),
    },
  ];
  applyConfigPatches(documents, spec.configPatches);
  applyStrategicPatches(documents, spec.strategicPatches);
  validateMachineConfig(documents);
  return { documents, yaml: stringifyConfigDocuments(documents) };
}
