// Reboot, Shutdown and Reset: each replies with an actor id first, then the node goes down.
// Shutdown and a halting Reset power the VM off through the Proxmox API, as ACPI would.
import { Agent, fetch } from 'undici';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import type { SimNode } from '../core/state.ts';
import { leaveCluster } from '../etcd/membership.ts';
import { loseEtcdData } from '../etcd/recovery.ts';
import { dropRecoverySnapshot } from '../etcd/recovery-snapshot-file.ts';
import { rebootNode, takeDown } from './lifecycle.ts';
import { performUpgrade } from './upgrade.ts';

/** What the handler gets from ResetRequest. */
export interface ResetRequest {
  readonly graceful: boolean;
  readonly reboot: boolean;
  readonly partitions: readonly { readonly label: string; readonly wipe: boolean }[];
  readonly userDisks: readonly string[];
  readonly mode: 'ALL' | 'SYSTEM_DISK' | 'USER_DISKS';
}

/** Asks the Proxmox simulator to stop the node's VM (the guest powered itself off). */
function powerOffVm(ctx: TalosContext, node: SimNode): void {
  const url = `${ctx.proxmox.url}/nodes/${node.pveNode}/qemu/${node.vmid}/status/stop`;
  ctx.timers.after(50, () => {
    // Proxmox speaks HTTPS only, with its own CA.
    const dispatcher = new Agent({ connect: { ca: ctx.proxmox.caPem } });
    fetch(url, { method: 'POST', headers: { Authorization: ctx.proxmox.authorization }, dispatcher })
      .then(async (response) => {
        if (!response.ok) throw new Error(`${response.status} ${response.statusText} ${await response.text()}`);
      })
      .finally(() => dispatcher.close())
      .catch((error: unknown) => {
        if (!ctx.stopped())
          ctx.events.append({
            type: 'sim.warning',
            vmid: node.vmid,
            address: node.address,
            detail: { message: `could not power off VM ${node.vmid}: ${String(error)}` },
          });
      });
  });
}

/** Reboot: a staged upgrade or config takes effect now. */
export function reboot(ctx: TalosContext, node: SimNode): string {
  const actorId = ctx.random.uuid();
  const staged = node.staged.upgradeImage;
  if (staged !== undefined) performUpgrade(ctx, node, staged, actorId, false);
  else rebootNode(ctx, node, 'reboot', 'reboot');
  return actorId;
}

/** Shutdown: the node goes down and its VM powers off. */
export function shutdown(ctx: TalosContext, node: SimNode): string {
  takeDown(ctx, node, 'down', 'shutdown');
  powerOffVm(ctx, node);
  ctx.changed();
  return ctx.random.uuid();
}

/** Reset: optionally leave etcd, wipe partitions (STATE = config, EPHEMERAL = etcd data), then reboot or halt. */
export function reset(ctx: TalosContext, node: SimNode, request: ResetRequest): string {
  if (request.mode === 'USER_DISKS' && request.partitions.length > 0)
    throw rpcError.invalidArgument('wipe mode USER_DISKS does not allow wiping system partitions');
  if (request.mode === 'SYSTEM_DISK' && request.userDisks.length > 0)
    throw rpcError.invalidArgument('wipe mode SYSTEM_DISK does not allow wiping user disks');
  if (request.graceful && node.config?.machineType === 'controlplane' && node.etcd.state === 'member') leaveCluster(ctx, node);
  const wipeAll = request.mode !== 'USER_DISKS' && request.partitions.length === 0;
  const wiped = new Set(wipeAll ? ['STATE', 'EPHEMERAL', 'META'] : request.partitions.filter((p) => p.wipe).map((p) => p.label));
  if (wiped.has('EPHEMERAL')) {
    dropRecoverySnapshot(ctx, node);
    if (node.config?.machineType === 'controlplane') loseEtcdData(ctx, node, 'reset: the EPHEMERAL partition was wiped');
    else node.etcd = { state: 'empty' };
  }
  if (wiped.has('STATE')) {
    delete node.config;
    node.staged = {};
  }
  if (request.reboot) rebootNode(ctx, node, 'reboot', 'reset');
  else {
    takeDown(ctx, node, 'down', 'reset');
    powerOffVm(ctx, node);
    ctx.changed();
  }
  return ctx.random.uuid();
}
