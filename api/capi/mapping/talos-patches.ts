import { parseAllDocuments } from 'yaml';
import type { TalosPatches } from '../../desired-cluster.ts';
import type { TalosConfigSpec } from '../talos-config-spec.ts';
import { joinPath, type IssueLog, type ObjectKey } from './issues.ts';

/**
 * Checks a CABPT TalosConfigSpec Capstan renders configs from and returns its patches. Capstan
 * renders every machine's config itself (per role, with its address and hostname), so a
 * hand-written config (`generateType: none` + `data`) and Go-templated patches (`variables`) are
 * errors, not warnings: ignoring them would build machines other than the ones described.
 */
export function talosPatchesFrom(
  spec: TalosConfigSpec,
  role: 'controlplane' | 'worker',
  object: ObjectKey,
  path: string,
  log: IssueLog,
): TalosPatches | undefined {
  const at = (...segments: (string | number)[]): string => joinPath(path, ...segments);
  const errorsBefore = log.errors.length;
  if (spec.generateType === 'none') {
    log.errors.push({
      object,
      path: at('generateType'),
      message: `none (a hand-written config in data) is not supported: use ${role} and express changes as strategicPatches or configPatches`,
    });
  } else if (spec.generateType !== role) {
    log.errors.push({ object, path: at('generateType'), message: `must be ${role} here, not ${spec.generateType}` });
  }
  if (spec.data !== undefined && spec.generateType !== 'none') {
    log.errors.push({
      object,
      path: at('data'),
      message: "is not supported: Capstan renders each machine's config; express changes as strategicPatches or configPatches",
    });
  }
  if (spec.variables !== undefined && spec.variables.length > 0) {
    log.errors.push({
      object,
      path: at('variables'),
      message: 'is not supported: Capstan applies patches as written, without Go templates',
    });
  }
  const strategicPatches = spec.strategicPatches ?? [];
  strategicPatches.forEach((patch, index) => {
    const problem = yamlProblem(patch);
    if (problem) log.errors.push({ object, path: at('strategicPatches', index), message: problem });
  });
  if (log.errors.length > errorsBefore) return undefined;
  return { strategicPatches, configPatches: spec.configPatches ?? [] };
}

// A strategic patch is one or more YAML documents, each a partial machine config (a mapping).
function yamlProblem(text: string): string | undefined {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return 'is empty: expected a partial machine config (YAML)';
  for (const document of documents) {
    const error = document.errors[0];
    if (error) return `is not valid YAML: ${(error.message.split('\n')[0] ?? '').replace(/:$/, '')}`;
    const value: unknown = document.toJS();
    if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      return 'must be a partial machine config (a YAML mapping); RFC 6902 operations belong in configPatches';
    }
  }
  return undefined;
}
