// MachineService.Bootstrap: exactly once per cluster, on one control plane. A second call on a
// node that has etcd data fails; on a control plane that has not joined yet it succeeds and
// creates a second etcd cluster — the split brain real Talos allows, recorded for the checker.
// With recover_etcd it restores an uploaded snapshot instead (recovery.ts).
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import type { SimNode } from '../core/state.ts';
import { atLeast } from '../config/image-tag.ts';
import { servicesReady } from '../node/lifecycle.ts';
import { newEtcdCluster, recordEtcd } from './etcd-reconcile.ts';
import { lostForGood, primaryEtcd } from './etcd-view.ts';
import { startRecovery } from './recovery.ts';

/** Runs Bootstrap on a configured node, or throws the status Talos answers with. */
export function bootstrapEtcd(
  ctx: TalosContext,
  node: SimNode,
  request: { readonly recoverEtcd: boolean; readonly skipHashCheck: boolean },
): void {
  const cluster = clusterOf(ctx, node);
  if (node.config?.machineType !== 'controlplane' || cluster === undefined) {
    const message = 'bootstrap can only be performed on a control plane node';
    throw atLeast(node.talosVersion, 1, 13) ? rpcError.unimplemented(message) : rpcError.failedPrecondition(message);
  }
  if (!servicesReady(node)) throw rpcError.failedPrecondition('bootstrap is not available yet');
  // The data directory is not empty while a member's data is there or a restore writes it.
  if (node.etcd.state === 'member' || node.etcd.state === 'recovering') throw rpcError.alreadyExists('etcd data directory is not empty');
  if (request.recoverEtcd) {
    startRecovery(ctx, node, cluster, request.skipHashCheck);
    return;
  }
  const lost = cluster.etcdClusters.filter((other) => lostForGood(ctx, other));
  const { ec, member } = newEtcdCluster(ctx, node);
  if (lost.length > 0 && lost[0] === primaryEtcd(cluster) && ctx.clusterEtcd.ownsEtcd(cluster) === true) {
    // Quorum was lost for good and no snapshot is restored: a new, empty etcd cluster, and the
    // Kubernetes API starts over without its objects.
    cluster.etcdClusters = [ec, ...cluster.etcdClusters.filter((other) => !lost.includes(other))];
    recordEtcd(ctx, cluster, 'etcd.bootstrapped', ec, member, { replaced: lost.map((l) => l.id).join(','), empty: true });
    ctx.clusterEtcd.startEmpty(cluster);
    ctx.changed();
    return;
  }
  const existing = cluster.etcdClusters.map((other) => other.id);
  cluster.etcdClusters.push(ec);
  if (existing.length === 0) recordEtcd(ctx, cluster, 'etcd.bootstrapped', ec, member);
  else
    recordEtcd(ctx, cluster, 'etcd.split-brain', ec, member, {
      existingEtcdClusters: existing.join(','),
      etcdClusters: existing.length + 1,
    });
  ctx.changed();
}
