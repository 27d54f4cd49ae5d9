// Talos' Virtual (shared) IP, as its VIP operator (network/operator/vip.go) runs it: every control
// plane whose config carries `vip.ip` campaigns for the IP through an etcd election once its etcd
// runs healthy and its kubelet lifecycle is up, so nothing holds the IP before bootstrap. The
// oldest live key wins and the winner announces the IP. A holder that stops gracefully resigns
// (see shared-ip-resign.ts) and the next key wins at once; one that vanishes (power cut, etcd
// member removed or left, cut off from its peers) keeps its key until its session lease expires,
// and nobody answers at the IP meanwhile.
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { hostnameOf } from '../core/state.ts';
import type { SharedIpCandidate, SharedIpElection, SimCluster, SimNode } from '../core/state.ts';
import { servicesReady } from '../node/lifecycle.ts';
import { memberReachable, primaryEtcd } from './etcd-view.ts';

/** Whether a node campaigns for this IP now: a control plane configured with it, a healthy voting etcd member, kubelet up. */
function campaigns(ctx: TalosContext, cluster: SimCluster, node: SimNode | undefined, ip: string): boolean {
  if (node?.config?.machineType !== 'controlplane' || node.config.vip !== ip) return false;
  if (clusterOf(ctx, node) !== cluster || !servicesReady(node)) return false;
  const ec = primaryEtcd(cluster);
  const member = ec?.members.find((m) => m.id === node.etcd.memberId);
  return ec !== undefined && member !== undefined && !member.learner && memberReachable(ctx, ec, member);
}

function setHolder(ctx: TalosContext, cluster: SimCluster, election: SharedIpElection, next: SharedIpCandidate | undefined): void {
  if (election.holder === next?.vmid) return;
  const record = (type: 'vip.acquired' | 'vip.released', vmid: number): void => {
    const node = ctx.nodes.get(vmid);
    ctx.events.append({
      type,
      cluster: cluster.name,
      vmid,
      ...(node === undefined ? {} : { address: node.address, hostname: hostnameOf(node) }),
      detail: { ip: election.ip },
    });
  };
  if (election.holder !== undefined) record('vip.released', election.holder);
  if (next === undefined) delete election.holder;
  else {
    election.holder = next.vmid;
    record('vip.acquired', next.vmid);
  }
}

function reconcileElection(ctx: TalosContext, cluster: SimCluster, election: SharedIpElection): void {
  // Without quorum no key is written, renewed or expired: the election stands still, and nobody
  // announces the IP (the holder's session cannot be kept alive; the API is down anyway).
  if (primaryEtcd(cluster)?.quorum !== true) {
    setHolder(ctx, cluster, election, undefined);
    return;
  }
  const now = Date.now();
  const ttl = ctx.ms('sharedIpLeaseTtl');
  for (const candidate of election.queue) {
    if (candidate.leaseExpiresAt !== undefined || campaigns(ctx, cluster, ctx.nodes.get(candidate.vmid), election.ip)) continue;
    candidate.leaseExpiresAt = now + ttl;
    ctx.timers.after(ttl + 1, () => {
      ctx.changed();
    });
  }
  election.queue = election.queue.filter((c) => c.leaseExpiresAt === undefined || c.leaseExpiresAt > now);
  for (const node of ctx.nodes.values()) {
    const queued = election.queue.some((c) => c.vmid === node.vmid && c.leaseExpiresAt === undefined);
    if (!queued && campaigns(ctx, cluster, node, election.ip)) election.queue.push({ vmid: node.vmid, address: node.address });
  }
  const first = election.queue[0];
  setHolder(ctx, cluster, election, first?.leaseExpiresAt === undefined ? first : undefined);
}

/** Brings every cluster's shared-IP elections up to date (level-triggered, after every change). */
export function reconcileSharedIps(ctx: TalosContext): void {
  for (const cluster of ctx.clusters.values()) {
    const configured = new Set<string>();
    for (const node of ctx.nodes.values()) {
      const vip = node.config?.vip;
      if (vip !== undefined && node.config?.machineType === 'controlplane' && clusterOf(ctx, node) === cluster) configured.add(vip);
    }
    for (const ip of configured) cluster.sharedIps[ip] ??= { ip, queue: [] };
    for (const election of Object.values(cluster.sharedIps)) reconcileElection(ctx, cluster, election);
    // An IP no control plane is configured with any more goes once its last key has expired.
    cluster.sharedIps = Object.fromEntries(
      Object.entries(cluster.sharedIps).filter(
        ([ip, election]) => configured.has(ip) || election.queue.length > 0 || election.holder !== undefined,
      ),
    );
  }
}
