import { createHash } from 'node:crypto';
import type { DesiredCluster } from '../../api/desired-cluster.ts';

/**
 * A fingerprint of a DesiredCluster: equal for equal content whatever the key order, so the
 * controller signals the cluster workflow only when the desired state really changed.
 */
export function desiredHash(desired: DesiredCluster): string {
  return createHash('sha256').update(stableJson(desired)).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted at every level; `undefined` members are left out as JSON.stringify does. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  });
}
