import YAML from 'yaml';
import type { JsonObject } from './json-value.ts';

/**
 * Writes config documents as one multi-document YAML text, Talos-style (4-space indent, long
 * base64 values on one line), ready for ApplyConfiguration or nocloud user-data.
 */
export function stringifyConfigDocuments(documents: readonly JsonObject[]): string {
  return documents.map((document) => YAML.stringify(document, { indent: 4, lineWidth: 0 })).join('---\n');
}

/** Reads a multi-document machine config back into documents (mappings only). */
export function parseConfigDocuments(text: string): JsonObject[] {
  return YAML.parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`machine config is not YAML: ${document.errors[0]?.message ?? ''}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('a machine config document must be a mapping');
    return [value as JsonObject];
  });
}
