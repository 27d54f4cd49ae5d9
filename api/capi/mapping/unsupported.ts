import type { IssueLog, ObjectKey } from './issues.ts';

/** A field Capstan accepts (so CAPI manifests apply) but does not act on, and why. */
export interface UnsupportedField {
  /** Dotted path in the object, `spec.template.spec.pool`. */
  readonly path: string;
  readonly reason: string;
}

function valueAt(object: unknown, path: string): unknown {
  let node = object;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Warns about each listed field that is set: reported, never silently ignored. */
export function reportUnsupported(object: unknown, fields: readonly UnsupportedField[], key: ObjectKey, log: IssueLog): void {
  for (const field of fields) {
    const value = valueAt(object, field.path);
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    log.warnings.push({ object: key, path: field.path, message: `is not supported by Capstan and is ignored: ${field.reason}` });
  }
}
