/** A value of a parsed YAML/JSON document: what configs and patches are made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
/** A mapping node. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a mapping (not a list, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality, as RFC 6902 `test` and Talos' deviceSelector matching need. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
}

/** A deep copy, so patching never mutates a caller's document or patch. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** A JSON Pointer (RFC 6901) for a path of keys and indices, for error messages. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
