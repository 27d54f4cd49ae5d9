import { isDeepStrictEqual } from 'node:util';

/**
 * Whether every field of `wanted` is in `actual` with the same value (objects compared field by
 * field, anything else whole): what the API server holds beyond it (status, defaults, fields other
 * managers own) does not count, so an object needs writing only when this is false.
 */
export function isSubset(wanted: unknown, actual: unknown): boolean {
  if (isPlainObject(wanted)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(wanted).every(([key, value]) => value === undefined || isSubset(value, actual[key]));
  }
  return isDeepStrictEqual(wanted, actual);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
