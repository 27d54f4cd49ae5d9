// Read-only node answers: Version, Hostname, ServiceList.
import type { TalosContext } from '../core/context.ts';
import { hostnameOf } from '../core/state.ts';
import type { SimNode } from '../core/state.ts';
import { etcdClusterOfNode, memberReachable } from '../etcd/etcd-view.ts';
import { servicesReady } from './lifecycle.ts';

/** The Version reply payload (without metadata). */
export function versionOf(node: SimNode): Record<string, unknown> {
  return {
    version: { tag: node.talosVersion, sha: 'simulated', built: '', goVersion: 'go1.24.6', os: 'linux', arch: 'amd64' },
    platform: { name: 'nocloud', mode: 'cloud' },
    features: { rbac: true },
  };
}

/** The Hostname reply payload. */
export function hostnameReply(node: SimNode): Record<string, unknown> {
  return { hostname: hostnameOf(node) };
}

interface Service {
  readonly id: string;
  readonly state: string;
  readonly healthy: boolean;
  readonly message: string;
}

function etcdService(ctx: TalosContext, node: SimNode): Service {
  if (node.etcd.state === 'left') return { id: 'etcd', state: 'Finished', healthy: false, message: 'Service finished successfully' };
  // A recovery bootstrap restores the snapshot in the service's pre stage; a failed one stays Failed.
  if (node.etcd.state === 'recovering') return { id: 'etcd', state: 'Preparing', healthy: false, message: 'Running pre state' };
  if (node.etcd.state === 'failed') return { id: 'etcd', state: 'Failed', healthy: false, message: node.etcd.failure ?? 'Failed' };
  const ec = etcdClusterOfNode(ctx, node);
  const member = ec?.members.find((m) => m.id === node.etcd.memberId);
  if (ec === undefined || member === undefined) {
    // The etcd service's pre stage waits to join or be bootstrapped; Talos' message stays the stage's own.
    return { id: 'etcd', state: 'Preparing', healthy: false, message: 'Running pre state' };
  }
  const healthy = memberReachable(ctx, ec, member) && ec.quorum;
  return { id: 'etcd', state: 'Running', healthy, message: healthy ? 'Health check successful' : 'etcdserver: no leader' };
}

/** Services as Talos lists them for this node's type and boot progress. */
function services(ctx: TalosContext, node: SimNode): Service[] {
  const running = (id: string): Service => ({ id, state: 'Running', healthy: true, message: 'Health check successful' });
  if (node.stage === 'maintenance') return ['apid', 'machined', 'udevd'].map(running);
  const ready = servicesReady(node);
  const starting = (id: string): Service => (ready ? running(id) : { id, state: 'Starting', healthy: false, message: 'Starting service' });
  // A kubelet that stopped posting is hung as far as Talos can tell: its healthz probe times out.
  const kubelet: Service =
    ready && ctx.faults.kubeletFailing(node.address)
      ? {
          id: 'kubelet',
          state: 'Running',
          healthy: false,
          message: 'Get "http://127.0.0.1:10248/healthz": context deadline exceeded',
        }
      : starting('kubelet');
  const list = [
    running('apid'),
    running('containerd'),
    starting('cri'),
    kubelet,
    running('machined'),
    running('syslogd'),
    running('udevd'),
  ];
  if (node.config?.machineType === 'controlplane') list.push(etcdService(ctx, node), running('trustd'));
  return list.sort((a, b) => a.id.localeCompare(b.id));
}

/** The ServiceList reply payload. */
export function serviceListReply(ctx: TalosContext, node: SimNode): Record<string, unknown> {
  const ts = new Date(node.upAt ?? Date.now());
  const timestamp = { seconds: String(Math.floor(ts.getTime() / 1000)), nanos: (ts.getTime() % 1000) * 1_000_000 };
  return {
    services: services(ctx, node).map((s) => ({
      id: s.id,
      state: s.state,
      events: { events: [{ msg: s.message, state: s.state, ts: timestamp }] },
      health: { unknown: false, healthy: s.healthy, lastMessage: s.message, lastChange: timestamp },
    })),
  };
}
