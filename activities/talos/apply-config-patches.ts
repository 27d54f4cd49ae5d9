import YAML from 'yaml';
import { JsonPatchOperation } from '../../api/talos/machine-config-input.ts';
import { describeIssues, invalidConfigPatch } from './config-errors.ts';
import { applyJsonPatchOp, JsonPatchError, type JsonPatchOp } from './json-patch.ts';
import type { JsonObject, JsonValue } from './json-value.ts';

function parseOperations(configPatches: string | readonly unknown[]): readonly unknown[] {
  if (typeof configPatches !== 'string') return configPatches;
  let parsed: unknown;
  try {
    parsed = YAML.parse(configPatches);
  } catch (error) {
    throw invalidConfigPatch({ list: 'configPatches', index: 0 }, `not YAML/JSON: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return [];
  if (!Array.isArray(parsed)) {
    throw invalidConfigPatch(
      { list: 'configPatches', index: 0 },
      'expected a list of RFC 6902 operations ({op, path, value}); a partial config belongs in strategicPatches',
    );
  }
  return parsed;
}

/**
 * Applies RFC 6902 `configPatches` (CAPI TalosConfig's older form) to the config's documents.
 * Like Talos' JSON6902, they only work on a single-document config. A failure names the
 * operation: `configPatches[2] (replace /machine/install/disk): path not found`.
 */
export function applyConfigPatches(documents: JsonObject[], configPatches: string | readonly unknown[]): void {
  const operations = parseOperations(configPatches);
  operations.forEach((raw, index) => {
    const shape = JsonPatchOperation.safeParse(raw);
    if (!shape.success) {
      throw invalidConfigPatch({ list: 'configPatches', index }, describeIssues(shape.error.issues).join('; '));
    }
    const operation = shape.data as JsonPatchOp;
    const location = { list: 'configPatches', index, operation: `${operation.op} ${operation.path}` } as const;
    if (documents.length !== 1) {
      throw invalidConfigPatch(location, 'RFC 6902 patches need a single-document config; use strategicPatches for multi-document configs');
    }
    try {
      applyJsonPatchOp(documents[0] as JsonValue, operation);
    } catch (error) {
      if (!(error instanceof JsonPatchError)) throw error;
      const detail = error.pointer === operation.path ? error.reason : `${error.pointer}: ${error.reason}`;
      throw invalidConfigPatch(location, detail, error.pointer);
    }
  });
}
