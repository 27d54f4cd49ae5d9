// Lookups that fail with PVE's own messages, usable both in handlers (HTTP 500) and in task
// steps (the task engine turns the same error into `TASK ERROR: ...`).
import { pveDie } from '../http/pve-error.ts';
import type { SimContext } from './context.ts';
import { effectiveLock } from './context.ts';
import type { NodeState, StorageState, VmState } from './state.ts';

/** A cluster node, or the error pveproxy gives when it cannot proxy to an unknown node. */
export function requireNode(ctx: SimContext, name: string): NodeState {
  const node = ctx.state.nodes.find((n) => n.name === name);
  if (node === undefined) {
    throw pveDie(`hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`);
  }
  return node;
}

/** A VM whose config lives on `node` (PVE only looks at the node in the path). */
export function loadVm(ctx: SimContext, node: string, vmid: number): VmState {
  const vm = ctx.state.vms[String(vmid)];
  if (vm?.node !== node) throw pveDie(`Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
  return vm;
}

/** PVE::AbstractConfig::check_lock. */
export function assertUnlocked(ctx: SimContext, vm: VmState): void {
  const lock = effectiveLock(ctx, vm);
  if (lock !== undefined) throw pveDie(`VM is locked (${lock})`);
}

/** A storage by name, or PVE's error. */
export function requireStorage(ctx: SimContext, name: string): StorageState {
  const storage = ctx.state.storages.find((s) => s.name === name);
  if (storage === undefined) throw pveDie(`storage '${name}' does not exist`);
  return storage;
}

/** Whether a VM is a template. */
export function isTemplate(vm: VmState): boolean {
  return vm.config['template'] === '1';
}
