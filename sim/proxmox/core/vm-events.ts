// Power and lifecycle changes are reported twice: to the event log (for the invariant
// checker) and to the hooks (for the Talos simulator). Keeping both here keeps them in step.
import type { JsonObject } from '../http/json-value.ts';
import type { SimContext } from './context.ts';
import { infoOf } from './context.ts';
import type { SimEventType } from './event-log.ts';
import type { VmState } from './state.ts';
import type { SimVmInfo } from './vm-info.ts';

function record(ctx: SimContext, type: SimEventType, info: SimVmInfo, detail: JsonObject = {}): void {
  ctx.events.append({
    type,
    vmid: info.vmid,
    node: info.node,
    ...(info.name === undefined ? {} : { name: info.name }),
    detail: { tags: [...info.tags], ...detail },
  });
}

/** A clone finished: the VM exists for real. */
export function vmCreated(ctx: SimContext, vm: VmState, detail: JsonObject): void {
  record(ctx, 'vm.created', infoOf(ctx, vm), detail);
}

/** A config change was applied. */
export function vmConfigured(ctx: SimContext, vm: VmState, detail: JsonObject): void {
  record(ctx, 'vm.configured', infoOf(ctx, vm), detail);
}

/** The VM runs now. */
export function vmStarted(ctx: SimContext, vm: VmState): void {
  const info = infoOf(ctx, vm);
  record(ctx, 'vm.started', info, { address: info.address });
  if (info.declaredAddress !== undefined && info.address === null) {
    ctx.events.append({
      type: 'sim.warning',
      vmid: vm.vmid,
      node: vm.node,
      detail: {
        message: `VM ${vm.vmid} has address ${info.declaredAddress} outside 127.0.0.0/8: the simulators cannot serve it, so no listener is started`,
      },
    });
  }
  ctx.hooks.emit('vm-started', info);
}

/** The VM is stopped now. */
export function vmStopped(ctx: SimContext, vm: VmState): void {
  const info = infoOf(ctx, vm);
  record(ctx, 'vm.stopped', info);
  ctx.hooks.emit('vm-stopped', info);
}

/** The VM is gone; `vm` is its last state. */
export function vmDestroyed(ctx: SimContext, vm: VmState): void {
  const info = infoOf(ctx, vm);
  record(ctx, 'vm.destroyed', info);
  ctx.hooks.emit('vm-destroyed', info);
}

/** The VM moved to another node. */
export function vmMigrated(ctx: SimContext, vm: VmState, from: string): void {
  const info = infoOf(ctx, vm);
  record(ctx, 'vm.migrated', info, { from, to: vm.node, online: vm.status === 'running' });
  ctx.hooks.emit('vm-migrated', info);
}

/** Starts a VM in place (shared by qmstart, qmreboot and the reload path). */
export function markRunning(ctx: SimContext, vm: VmState): void {
  vm.status = 'running';
  vm.startedAt = Date.now();
  vm.pid = nextPid(ctx);
}

/** Stops a VM in place. */
export function markStopped(vm: VmState): void {
  vm.status = 'stopped';
  delete vm.startedAt;
  delete vm.pid;
}

/** A fresh process id on the simulated nodes. */
export function nextPid(ctx: SimContext): number {
  ctx.state.pidCounter += 1 + ctx.random.int(40);
  return ctx.state.pidCounter;
}
