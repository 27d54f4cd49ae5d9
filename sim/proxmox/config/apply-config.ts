// A config update as PVE::API2::Qemu's update_vm does it: every change is first written
// to the pending section, then applied at once (stopped VM) or hot-plugged where possible
// (running VM); the rest waits for the next start.
import type { SimContext } from '../core/context.ts';
import type { VmState } from '../core/state.ts';
import { assertSpace } from '../core/storage-space.ts';
import { configKeySpec } from './config-keys.ts';
import { formatSize, isCdromOrCloudinit, isDriveKey, newDiskRequest, parseDrive, printDrive, splitVolid, withOption } from './drives.ts';

/** A normalized change: values to set and keys to delete (`force` detaches disks for good). */
export interface ConfigChange {
  readonly set: Readonly<Record<string, string>>;
  readonly delete: readonly string[];
  readonly force: boolean;
}

/** Writes a change to the pending section and applies what can be applied; returns warnings. */
export function applyChange(ctx: SimContext, vm: VmState, change: ConfigChange): string[] {
  const warnings: string[] = [];
  for (const key of change.delete) {
    if (vm.config[key] === undefined && vm.pending[key] === undefined) {
      warnings.push(`cannot delete '${key}' - not set in current configuration!`);
      continue;
    }
    Reflect.deleteProperty(vm.pending, key);
    if (/^unused\d+$/.test(key) || key === 'tags') {
      Reflect.deleteProperty(vm.config, key);
      continue;
    }
    vm.pendingDelete = [...vm.pendingDelete.filter((k) => k.replace(/^!/, '') !== key), change.force ? `!${key}` : key];
  }
  for (const [key, value] of Object.entries(change.set)) {
    vm.pending[key] = isDriveKey(key) ? allocateDrive(ctx, vm, value) : value;
    vm.pendingDelete = vm.pendingDelete.filter((k) => k.replace(/^!/, '') !== key);
  }
  for (const [key, value] of Object.entries(vm.pending)) if (vm.config[key] === value) Reflect.deleteProperty(vm.pending, key);
  applyPending(vm, vm.status === 'running' ? 'hotplug' : 'all');
  return warnings;
}

/** Moves pending values into the config: all of them, or only those that hot-plug. */
export function applyPending(vm: VmState, which: 'all' | 'hotplug'): void {
  const applies = (key: string): boolean => which === 'all' || configKeySpec(key)?.hotplug === true;
  const remaining: string[] = [];
  for (const entry of vm.pendingDelete) {
    const key = entry.replace(/^!/, '');
    if (!applies(key)) {
      remaining.push(entry);
      continue;
    }
    const old = vm.config[key];
    Reflect.deleteProperty(vm.config, key);
    if (old !== undefined && isDriveKey(key) && !entry.startsWith('!')) keepAsUnused(vm, old);
  }
  vm.pendingDelete = remaining;
  for (const [key, value] of Object.entries(vm.pending)) {
    if (!applies(key)) continue;
    const old = vm.config[key];
    if (old !== undefined && isDriveKey(key) && parseDrive(old).volid !== parseDrive(value).volid) keepAsUnused(vm, old);
    vm.config[key] = value;
    Reflect.deleteProperty(vm.pending, key);
  }
}

// A detached disk is not freed: it becomes unusedN (vmconfig_register_unused_drive).
function keepAsUnused(vm: VmState, value: string): void {
  const drive = parseDrive(value);
  if (isCdromOrCloudinit(drive) || splitVolid(drive.volid) === undefined) return;
  let n = 0;
  while (vm.config[`unused${n}`] !== undefined) n += 1;
  vm.config[`unused${n}`] = printDrive(drive);
}

// `<storage>:<GiB>` allocates a new volume and `<storage>:cloudinit` a cloud-init drive.
function allocateDrive(ctx: SimContext, vm: VmState, value: string): string {
  const drive = parseDrive(value);
  const cloudinit = /^([^:]+):cloudinit$/.exec(drive.volid)?.[1];
  if (cloudinit !== undefined) {
    return printDrive(withOption({ volid: `${cloudinit}:vm-${vm.vmid}-cloudinit`, options: drive.options }, 'media', 'cdrom'));
  }
  const request = newDiskRequest(drive.volid);
  if (request === undefined) return value;
  const volname = `vm-${vm.vmid}-disk-${nextDiskIndex(vm)}`;
  const bytes = Math.floor(request.sizeGiB * 2 ** 30);
  assertSpace(ctx, request.storage, vm.node, bytes, { kind: 'create', volname });
  return printDrive(withOption({ volid: `${request.storage}:${volname}`, options: drive.options }, 'size', formatSize(bytes)));
}

function nextDiskIndex(vm: VmState): number {
  const used = new Set<number>();
  for (const value of [...Object.values(vm.config), ...Object.values(vm.pending)]) {
    const match = new RegExp(`vm-${vm.vmid}-disk-(\\d+)`).exec(value);
    if (match?.[1]) used.add(Number(match[1]));
  }
  let n = 0;
  while (used.has(n)) n += 1;
  return n;
}
