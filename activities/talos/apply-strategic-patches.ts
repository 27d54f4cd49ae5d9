import YAML from 'yaml';
import { invalidConfigPatch, type PatchLocation } from './config-errors.ts';
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './json-value.ts';
import { documentMergeRules, StrategicMergeError, strategicMerge, v1alpha1MergeRules } from './strategic-merge.ts';

function patchDocuments(patch: string | Record<string, unknown>, location: PatchLocation): unknown[] {
  if (typeof patch !== 'string') return [patch];
  const documents = YAML.parseAllDocuments(patch);
  if (!Array.isArray(documents)) return [];
  return documents.map((document) => {
    const [error] = document.errors;
    if (error) throw invalidConfigPatch(location, `not YAML/JSON: ${error.message.split('\n')[0] ?? ''}`);
    return document.toJS() as unknown;
  });
}

// A document with a kind (Talos ≥ 1.5 multi-document configs) is matched by kind and name; a
// document without one is the v1alpha1 document.
const sameDocument = (a: JsonObject, b: JsonObject): boolean => jsonEqual(a.kind, b.kind) && jsonEqual(a.name, b.name);
const text = (value: JsonValue | undefined): string => (typeof value === 'string' ? value : JSON.stringify(value));
const describeDocument = (document: JsonObject): string =>
  document.kind === undefined ? '' : `${text(document.kind)}${document.name === undefined ? '' : `(${text(document.name)})`} `;

function applyDocument(documents: JsonObject[], patch: JsonObject, location: PatchLocation): void {
  const isV1alpha1 = patch.kind === undefined;
  if (isV1alpha1 && patch.version !== undefined && patch.version !== 'v1alpha1') {
    throw invalidConfigPatch(location, `unsupported config version ${JSON.stringify(patch.version)}`, '/version');
  }
  const index = documents.findIndex((document) => sameDocument(document, patch));
  if (patch.$patch === 'delete') {
    if (isV1alpha1) throw invalidConfigPatch(location, 'the v1alpha1 document cannot be deleted', '');
    if (index < 0) throw invalidConfigPatch(location, `$patch: delete found no ${describeDocument(patch)}document`);
    documents.splice(index, 1);
    return;
  }
  const rules = isV1alpha1 ? v1alpha1MergeRules : (documentMergeRules[text(patch.kind)] ?? { replace: [], keyed: {} });
  try {
    if (index >= 0) strategicMerge(documents[index]!, patch, rules);
    else {
      const added: JsonObject = {};
      strategicMerge(added, patch, rules);
      documents.push(added);
    }
  } catch (error) {
    if (!(error instanceof StrategicMergeError)) throw error;
    throw invalidConfigPatch(location, error.reason, `${describeDocument(patch)}${error.pointer}`);
  }
}

/**
 * Applies `strategicPatches` in order: partial configs (YAML/JSON text, possibly several documents,
 * or objects) merged the way Talos merges them — the patch form that works on Talos ≥ 1.12.
 * A failure names the patch and the path: `strategicPatches[1] at /machine/network: ...`.
 */
export function applyStrategicPatches(documents: JsonObject[], strategicPatches: readonly (string | Record<string, unknown>)[]): void {
  strategicPatches.forEach((patch, index) => {
    const location: PatchLocation = { list: 'strategicPatches', index };
    for (const document of patchDocuments(patch, location)) {
      if (document === null || document === undefined) continue;
      if (!isJsonObject(document)) {
        throw invalidConfigPatch(
          location,
          Array.isArray(document)
            ? 'expected a partial machine config (a mapping), got a list; RFC 6902 operations belong in configPatches'
            : `expected a partial machine config (a mapping), got ${typeof document}`,
        );
      }
      applyDocument(documents, document, location);
    }
  });
}
