// The storage status object shared by /nodes/{node}/storage and /cluster/resources.
import type { SimContext } from '../core/context.ts';
import type { NodeState, StorageState } from '../core/state.ts';
import { capacityBytes, storageType, usedBytes } from '../core/storage-space.ts';

/** Usage of a storage as seen from one node. */
export function storageUsage(ctx: SimContext, storage: StorageState, node: NodeState): { total: number; used: number; avail: number } {
  const total = capacityBytes(storage);
  const used = usedBytes(ctx, storage, node.name);
  return { total, used, avail: Math.max(0, total - used) };
}

/** One entry of GET /nodes/{node}/storage. */
export function storageEntry(ctx: SimContext, storage: StorageState, node: NodeState) {
  const usage = storageUsage(ctx, storage, node);
  return {
    storage: storage.name,
    type: storageType(storage),
    content: [...storage.content].sort().join(','),
    active: 1,
    enabled: 1,
    shared: storage.shared ? 1 : 0,
    ...usage,
    used_fraction: usage.total === 0 ? 0 : usage.used / usage.total,
  };
}
