import type { OwnerReference } from '../../api/capi/meta.ts';

export type { OwnerReference };

/**
 * An object as the informers hold it: raw JSON from the API server. The mapping validates specs
 * itself, so the controller reads only metadata and a few fields, defensively.
 */
export interface RawObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: RawMetadata;
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** The metadata fields the controller reads. */
export interface RawMetadata {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly generation?: number;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly finalizers?: readonly string[];
  readonly deletionTimestamp?: string | Date;
  readonly creationTimestamp?: string | Date;
  readonly ownerReferences?: readonly OwnerReference[];
}

/** The value at a dotted path of an object, or undefined when any step is missing. */
export function fieldAt(object: unknown, path: string): unknown {
  let node = object;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A string field, or undefined. */
export function stringAt(object: unknown, path: string): string | undefined {
  const value = fieldAt(object, path);
  return typeof value === 'string' ? value : undefined;
}

/** A number field, or undefined. */
export function numberAt(object: unknown, path: string): number | undefined {
  const value = fieldAt(object, path);
  return typeof value === 'number' ? value : undefined;
}
