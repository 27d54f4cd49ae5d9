// MachineService.Bootstrap: exactly once per cluster, on one control plane. A second call on a
// node that has etcd data fails; on a control plane that has not joined yet it succeeds and
// creates a second etcd cluster — the split brain real Talos allows, recorded for the checker.
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import type { EtcdClusterState, SimNode } from '../core/state.ts';
import { atLeast } from '../config/image-tag.ts';
import { servicesReady } from '../node/lifecycle.ts';
import { addMember, recordEtcd } from './etcd-reconcile.ts';

/** Runs Bootstrap on a configured node, or throws the status Talos answers with. */
export function bootstrapEtcd(ctx: TalosContext, node: SimNode, request: { readonly recoverEtcd: boolean }): void {
  const cluster = clusterOf(ctx, node);
  if (node.config?.machineType !== 'controlplane' || cluster === undefined) {
    const message = 'bootstrap can only be performed on a control plane node';
    throw atLeast(node.talosVersion, 1, 13) ? rpcError.unimplemented(message) : rpcError.failedPrecondition(message);
  }
  if (!servicesReady(node)) throw rpcError.failedPrecondition('bootstrap is not available yet');
  if (node.etcd.state === 'member') throw rpcError.alreadyExists('etcd data directory is not empty');
  if (request.recoverEtcd) throw rpcError.unimplemented('etcd recovery from a snapshot is not simulated');
  const ec: EtcdClusterState = {
    id: ctx.random.hex(8),
    createdAt: Date.now(),
    bootstrappedBy: node.address,
    members: [],
    quorum: true,
    revision: 1,
    // A fresh member campaigns once and wins: etcd reports raft term 2 right after bootstrap.
    raftTerm: 2,
  };
  const member = addMember(ctx, ec, node, false);
  ec.leaderId = member.id;
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
