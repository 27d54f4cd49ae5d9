// A node's power and boot transitions. Every transition bumps the node's epoch so timers set
// in an earlier boot do nothing when they fire.
import type { SimVmInfo } from '../../proxmox/index.ts';
import { clusterField, osCaKeyFor } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { nodeAt } from '../core/context.ts';
import { hostnameOf } from '../core/state.ts';
import { etcdClusterOfNode } from '../etcd/etcd-view.ts';
import { resignSharedIps } from '../etcd/shared-ip-resign.ts';
import { dropRecoverySnapshot } from '../etcd/recovery-snapshot-file.ts';
import type { NodeStage, SimNode } from '../core/state.ts';

/** Which boot is happening: its duration comes from the timing of the same name. */
export type BootKind = 'boot' | 'install' | 'reboot' | 'upgrade';

function record(
  ctx: TalosContext,
  node: SimNode,
  type: 'node.up' | 'node.down' | 'node.maintenance',
  detail: Record<string, string> = {},
): void {
  ctx.events.append({
    type,
    vmid: node.vmid,
    address: node.address,
    hostname: hostnameOf(node),
    ...clusterField(ctx, node),
    detail: { stage: node.stage, talosVersion: node.talosVersion, ...detail },
  });
}

/** The talos version a VM's tags name (`talos-v1.13.0`), if any. */
function bootVersionOf(vm: SimVmInfo): string | undefined {
  for (const tag of vm.tags) {
    const match = /^talos-(v\d+\.\d+\.\d+)$/.exec(tag);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** The SMBIOS system uuid QEMU gives the guest (`smbios1: uuid=…`), lower case as Linux reads product_uuid. */
function systemUuidOf(vm: SimVmInfo): string | undefined {
  const smbios = vm.config['smbios1'];
  const match = typeof smbios === 'string' ? /(?:^|,)uuid=([0-9a-fA-F-]{36})(?:,|$)/.exec(smbios) : null;
  return match?.[1]?.toLowerCase();
}

/** A VM started: its node boots (into maintenance, or with the config it kept on disk). */
export function powerOn(ctx: TalosContext, vm: SimVmInfo): void {
  if (vm.address === null) return;
  const other = nodeAt(ctx, vm.address);
  if (other !== undefined && other.vmid !== vm.vmid && other.stage !== 'down') {
    ctx.events.append({
      type: 'sim.warning',
      vmid: vm.vmid,
      address: vm.address,
      detail: { message: `address ${vm.address} is already used by VM ${other.vmid}: no Talos node started` },
    });
    return;
  }
  let node = ctx.nodes.get(vm.vmid);
  if (node === undefined) {
    const bootVersion = bootVersionOf(vm) ?? ctx.bootVersion;
    node = {
      vmid: vm.vmid,
      address: vm.address,
      pveNode: vm.node,
      stage: 'down',
      bootVersion,
      talosVersion: bootVersion,
      staged: {},
      etcd: { state: 'empty' },
      epoch: 0,
    };
    ctx.nodes.set(vm.vmid, node);
  }
  node.address = vm.address;
  node.pveNode = vm.node;
  const systemUuid = systemUuidOf(vm);
  if (systemUuid === undefined) delete node.systemUuid;
  else node.systemUuid = systemUuid;
  takeDown(ctx, node, 'booting', 'power-on', { silent: true });
  startBoot(ctx, node, 'boot');
}

/** The VM stopped or was destroyed: the node is gone at once (an etcd member it held stays, unreachable). */
export function powerOff(ctx: TalosContext, vmid: number, reason: 'vm-stopped' | 'vm-destroyed'): void {
  const node = ctx.nodes.get(vmid);
  if (node === undefined) return;
  takeDown(ctx, node, 'down', reason);
  if (reason === 'vm-destroyed') {
    dropRecoverySnapshot(ctx, node);
    ctx.nodes.delete(vmid);
    ctx.faults.machineGone(node.address);
  }
  ctx.changed();
}

/** The VM moved to another Proxmox node (online: the guest never noticed); power requests go there now. */
export function followMigration(ctx: TalosContext, vm: SimVmInfo): void {
  const node = ctx.nodes.get(vm.vmid);
  if (node !== undefined) node.pveNode = vm.node;
}

// Power lost under the guest (a hard stop, a destroyed VM): nothing inside gets to react.
const abrupt: ReadonlySet<string> = new Set(['vm-stopped', 'vm-destroyed']);

/** Ends the current boot: apid stops (after the running reply got out) and the stage changes. */
export function takeDown(ctx: TalosContext, node: SimNode, stage: NodeStage, reason: string, options: { silent?: boolean } = {}): void {
  const wasUp = node.stage === 'running' || node.stage === 'maintenance';
  // Talos shuts down through its logind shim, so the kubelet's graceful node shutdown posts
  // Ready=False "node is shutting down" before it stops; a power cut gives it no chance.
  // (A kubelet already silent keeps what it last said: a Talos Shutdown's VM power-off comes after it.)
  if (servicesReady(node) && !ctx.faults.kubeletFailing(node.address)) {
    node.shuttingDown = !abrupt.has(reason);
    node.kubeletStoppedAt = Date.now();
  }
  if (!abrupt.has(reason)) resignSharedIps(ctx, node);
  node.epoch += 1;
  node.stage = stage;
  delete node.upAt;
  delete node.servicesReadyAt;
  node.joinPending = false;
  node.awaitingCerts = false;
  void ctx.network.unserve(node);
  if (wasUp || !options.silent) record(ctx, node, 'node.down', { reason });
}

/** Schedules the end of a boot of this kind; `beforeUp` runs first (staged changes, upgrade outcome). */
export function startBoot(ctx: TalosContext, node: SimNode, kind: BootKind, beforeUp?: () => void): void {
  const epoch = node.epoch;
  const delay = ctx.ms(kind) * ctx.faults.bootFactor(node.address);
  ctx.timers.after(delay, () => {
    if (node.epoch !== epoch || ctx.stopped()) return;
    if (ctx.faults.takeHang(node.address)) {
      node.stage = 'down';
      record(ctx, node, 'node.down', { reason: `${kind} never finished` });
      if (kind === 'upgrade')
        ctx.events.append({
          type: 'upgrade.failed',
          vmid: node.vmid,
          address: node.address,
          hostname: hostnameOf(node),
          detail: { reason: 'the node never came back' },
        });
      ctx.changed();
      return;
    }
    beforeUp?.();
    if (node.config === undefined) enterMaintenance(ctx, node);
    else comeUp(ctx, node);
  });
}

/** Reboots a node: down now, up again after the boot of this kind. */
export function rebootNode(ctx: TalosContext, node: SimNode, kind: 'reboot' | 'upgrade', reason: string, beforeUp?: () => void): void {
  takeDown(ctx, node, 'rebooting', reason);
  startBoot(ctx, node, kind, () => {
    if (node.staged.config !== undefined) {
      node.config = node.staged.config;
      delete node.staged.config;
    }
    beforeUp?.();
  });
  ctx.changed();
}

// The stage changes once apid listens, so "maintenance" and "running" mean the port answers.
function whenServing(ctx: TalosContext, node: SimNode, mode: 'maintenance' | 'configured', then: () => void): void {
  const epoch = node.epoch;
  void ctx.network.serve(node, mode).then((serving) => {
    if (serving && node.epoch === epoch && !ctx.stopped()) then();
  });
}

function enterMaintenance(ctx: TalosContext, node: SimNode): void {
  node.talosVersion = node.bootVersion;
  whenServing(ctx, node, 'maintenance', () => {
    node.stage = 'maintenance';
    node.upAt = Date.now();
    record(ctx, node, 'node.maintenance');
    ctx.changed();
  });
}

/**
 * Boots into the configured system. A worker needs its apid certificate from trustd on a
 * control plane of its cluster; until one runs, it waits (and `retryAwaitingCerts` retries).
 */
export function comeUp(ctx: TalosContext, node: SimNode): void {
  // A member that left or was removed has its etcd data wiped: it joins afresh after a boot. A
  // recovery that failed (or was cut short) left the data directory empty, and the failed etcd
  // service starts anew with the boot.
  if (
    node.etcd.state === 'left' ||
    node.etcd.state === 'failed' ||
    node.etcd.state === 'recovering' ||
    (node.etcd.state === 'member' && etcdClusterOfNode(ctx, node)?.members.some((m) => m.id === node.etcd.memberId) !== true)
  ) {
    node.etcd = { state: 'empty' };
  }
  if (osCaKeyFor(ctx, node) === undefined) {
    node.stage = 'booting';
    node.awaitingCerts = true;
    return;
  }
  node.awaitingCerts = false;
  whenServing(ctx, node, 'configured', () => {
    node.stage = 'running';
    const now = Date.now();
    node.upAt = now;
    const servicesDelay = ctx.ms('servicesReady') * ctx.faults.bootFactor(node.address);
    node.servicesReadyAt = now + servicesDelay;
    record(ctx, node, 'node.up');
    const epoch = node.epoch;
    ctx.timers.after(servicesDelay, () => {
      if (node.epoch !== epoch) return;
      // Timers run on the monotonic clock and Date.now() on the wall clock: this can fire a
      // millisecond before servicesReadyAt, and nothing else may come to join etcd afterwards.
      node.servicesReadyAt = Math.min(node.servicesReadyAt ?? now, Date.now());
      ctx.changed();
    });
    ctx.changed();
  });
}

/** Brings up workers that were waiting for trustd, now that it may be there. */
export function retryAwaitingCerts(ctx: TalosContext): void {
  for (const node of ctx.nodes.values()) {
    if (node.awaitingCerts === true && osCaKeyFor(ctx, node) !== undefined) comeUp(ctx, node);
  }
}

/** Whether the node's CRI is healthy in this boot (Bootstrap possible, kubelet running). */
export function servicesReady(node: SimNode): boolean {
  return node.stage === 'running' && node.servicesReadyAt !== undefined && Date.now() >= node.servicesReadyAt;
}
