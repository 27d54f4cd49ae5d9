import { fieldAt, type RawObject } from './raw-object.ts';

/**
 * Remembers each ProxmoxCluster's address pool as last seen, to tell when one appeared, changed or
 * went away: every cluster in another namespace is then mapped again, since an overlap with that
 * pool refuses it (and the older pool's removal lets it go). Status writes leave the pool alone,
 * so they do not wake the other namespaces.
 */
export function createPoolChanges(): (object: RawObject, deleted: boolean) => boolean {
  const seen = new Map<string, string>();
  return (object, deleted) => {
    const id = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const before = seen.get(id);
    if (deleted) {
      seen.delete(id);
      return before !== undefined;
    }
    const pool = JSON.stringify(fieldAt(object, 'spec.ipv4Config') ?? null);
    seen.set(id, pool);
    return before !== pool;
  };
}
