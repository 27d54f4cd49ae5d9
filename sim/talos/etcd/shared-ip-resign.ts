// A control plane that stops gracefully (Talos reboot, upgrade, shutdown, reset: the kubelet
// lifecycle is torn down) leaves its shared-IP elections on the way out: vip.go resigns and
// revokes its session while etcd still answers, so the next candidate takes the IP at once.
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import type { SimNode } from '../core/state.ts';
import { etcdClusterOfNode, memberReachable, primaryEtcd } from './etcd-view.ts';

/** Drops the node's live election keys, when its etcd can still reach a quorum to say so. */
export function resignSharedIps(ctx: TalosContext, node: SimNode): void {
  const cluster = clusterOf(ctx, node);
  const ec = etcdClusterOfNode(ctx, node);
  const member = ec?.members.find((m) => m.id === node.etcd.memberId);
  if (cluster === undefined || ec === undefined || ec !== primaryEtcd(cluster) || !ec.quorum) return;
  if (member === undefined || !memberReachable(ctx, ec, member)) return;
  for (const election of Object.values(cluster.sharedIps))
    election.queue = election.queue.filter((c) => c.vmid !== node.vmid || c.leaseExpiresAt !== undefined);
}
