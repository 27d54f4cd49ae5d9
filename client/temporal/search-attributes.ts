import type { Connection } from '@temporalio/client';
// A CommonJS package: Node's ESM loader only offers its default export.
import proto from '@temporalio/proto';
import { capstanSearchAttributes } from '../../api/search-attributes.ts';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const indexedValueTypes: Record<(typeof capstanSearchAttributes)[number]['type'], proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

/**
 * Registers Capstan's search attributes in a namespace, adding only those missing, so it is
 * safe on every start of a server whose database already has them.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes));
  const missing = capstanSearchAttributes.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await addSearchAttributes(connection, namespace, missing);
  return missing.map((key) => key.name);
}

/**
 * Adds search attributes without looking first: for the time-skipping test server, which
 * implements AddSearchAttributes but not ListSearchAttributes.
 */
export async function addSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: ReadonlyArray<(typeof capstanSearchAttributes)[number]> = capstanSearchAttributes,
): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, indexedValueTypes[key.type]])),
  });
}
