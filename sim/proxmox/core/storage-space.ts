// Storage accounting. Shared storages (type rbd) have one pool for the cluster; local ones
// (type lvmthin) exist once per node. Linked clones only count what they grew beyond their base.
import { TaskFailure } from '../http/pve-error.ts';
import { driveSize, isCdromOrCloudinit, isDriveKey, parseDrive, splitVolid } from '../config/drives.ts';
import type { SimContext } from './context.ts';
import type { StorageState, VmState } from './state.ts';

const gib = 2 ** 30;

/** The PVE storage plugin type the simulator pretends a storage has. */
export function storageType(storage: StorageState): 'rbd' | 'lvmthin' {
  return storage.shared ? 'rbd' : 'lvmthin';
}

/** Capacity in bytes. */
export function capacityBytes(storage: StorageState): number {
  return storage.capacityGiB * gib;
}

function volumes(vm: VmState): { storage: string; volname: string; size: number }[] {
  const result: { storage: string; volname: string; size: number }[] = [];
  for (const [key, value] of Object.entries(vm.config)) {
    if (!isDriveKey(key) && !/^unused\d+$/.test(key)) continue;
    const drive = parseDrive(value);
    const volume = splitVolid(drive.volid);
    if (volume === undefined || isCdromOrCloudinit(drive)) continue;
    result.push({ ...volume, size: driveSize(drive) });
  }
  return result;
}

/** Bytes used on a storage (on `node`, for a local storage). */
export function usedBytes(ctx: SimContext, storage: StorageState, node: string): number {
  const all = Object.values(ctx.state.vms).filter((vm) => storage.shared || vm.node === node);
  const sizes = new Map<string, number>();
  for (const vm of all) for (const v of volumes(vm)) if (v.storage === storage.name) sizes.set(v.volname, v.size);
  let used = 0;
  for (const [volname, size] of sizes) {
    const base = volname.includes('/') ? (sizes.get(volname.split('/')[0] ?? '') ?? 0) : 0;
    used += Math.max(0, size - base);
  }
  return used;
}

/** Throws the storage's own out-of-space error when `bytes` more do not fit. */
export function assertSpace(
  ctx: SimContext,
  storageName: string,
  node: string,
  bytes: number,
  action: { kind: 'create' | 'resize'; volname: string; newSize?: number },
): void {
  const storage = ctx.state.storages.find((s) => s.name === storageName);
  if (storage === undefined) throw new TaskFailure(`storage '${storageName}' does not exist`);
  const free = capacityBytes(storage) - usedBytes(ctx, storage, node);
  if (!ctx.faults.storageFull(storageName) && bytes <= free) return;
  const type = storageType(storage);
  if (action.kind === 'create') {
    throw new TaskFailure(
      type === 'rbd'
        ? `rbd create '${action.volname}' error: rbd: create error: (28) No space left on device`
        : `lvcreate 'pve/${action.volname}' error:   Volume group "pve" has insufficient free space (${Math.max(0, Math.floor(free / 4194304))} extents): ${Math.ceil(bytes / 4194304)} required.`,
    );
  }
  throw new TaskFailure(
    type === 'rbd'
      ? `rbd resize '${action.volname}' error: rbd: resize error: (28) No space left on device`
      : `command '/sbin/lvextend -L ${Math.ceil((action.newSize ?? bytes) / 1024)}k pve/${action.volname}' failed: exit code 5`,
  );
}
