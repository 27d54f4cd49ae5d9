// The etcd RPCs on a control-plane node: member list, remove by id, leave, forfeit leadership,
// snapshot. Non-local calls reach the cluster through any control plane (Talos dials every
// control-plane address); local ones need this node's own member.
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import type { EtcdClusterState, EtcdMemberState, SimNode } from '../core/state.ts';
import { recordEtcd } from './etcd-reconcile.ts';
import { etcdClusterOfNode, hasQuorum, memberReachable, primaryEtcd, removalKeepsQuorum, sortedMembers } from './etcd-view.ts';

/** Throws Talos' Unimplemented answer on a worker, or on a node without a machine type yet (machinehelper.CheckControlplane). */
export function requireControlPlane(node: SimNode, api: string): void {
  if (node.config === undefined) throw rpcError.unimplemented(`machine type is not set, cannot use ${api} API`);
  if (node.config.machineType !== 'controlplane') throw rpcError.unimplemented(`${api} is only available on control plane nodes`);
}

function local(ctx: TalosContext, node: SimNode): { ec: EtcdClusterState; self: EtcdMemberState } {
  const ec = etcdClusterOfNode(ctx, node);
  const self = ec?.members.find((m) => m.id === node.etcd.memberId);
  if (ec === undefined || self === undefined)
    throw rpcError.unavailable('etcd is not running on this node: failed to dial 127.0.0.1:2379: connection refused');
  return { ec, self };
}

function withQuorum(ctx: TalosContext, ec: EtcdClusterState): EtcdClusterState {
  if (!hasQuorum(ctx, ec)) throw rpcError.unavailable('etcdserver: no leader');
  return ec;
}

/** The cluster-wide etcd a control plane reaches (its own, else the one its peers run). */
function reachable(ctx: TalosContext, node: SimNode): EtcdClusterState {
  const ec = etcdClusterOfNode(ctx, node) ?? primaryEtcd(clusterOf(ctx, node));
  if (ec === undefined) throw rpcError.unavailable('failed to create etcd client: context deadline exceeded');
  return withQuorum(ctx, ec);
}

/** EtcdMemberList: the cluster's members in etcd's order (`query_local` answers from this member without quorum). */
export function listMembers(ctx: TalosContext, node: SimNode, queryLocal: boolean): EtcdMemberState[] {
  requireControlPlane(node, 'member list');
  return sortedMembers(queryLocal ? local(ctx, node).ec : reachable(ctx, node));
}

function assertRemovable(ctx: TalosContext, ec: EtcdClusterState, member: EtcdMemberState): void {
  if (!removalKeepsQuorum(ctx, ec, member))
    throw rpcError.failedPrecondition('etcdserver: re-configuration failed due to not enough started members');
}

function remove(ctx: TalosContext, ec: EtcdClusterState, member: EtcdMemberState, type: 'etcd.member-removed' | 'etcd.member-left'): void {
  ec.members = ec.members.filter((m) => m !== member);
  ec.revision += 1;
  if (ec.leaderId === member.id) delete ec.leaderId;
  const owner = ctx.nodes.get(member.vmid);
  if (owner?.etcd.memberId === member.id) owner.etcd = { state: 'left' };
  const cluster = [...ctx.clusters.values()].find((c) => c.etcdClusters.includes(ec));
  if (cluster !== undefined) recordEtcd(ctx, cluster, type, ec, member);
  ctx.changed();
}

/** EtcdRemoveMemberByID: for members whose node is gone; unknown ids are NotFound. */
export function removeMemberById(ctx: TalosContext, node: SimNode, id: string): void {
  requireControlPlane(node, 'member remove');
  const ec = reachable(ctx, node);
  const member = ec.members.find((m) => m.id === id);
  if (member === undefined) throw rpcError.notFound('etcdserver: member not found');
  assertRemovable(ctx, ec, member);
  remove(ctx, ec, member, 'etcd.member-removed');
}

/** EtcdLeaveCluster: this node removes its own member and stops etcd. */
export function leaveCluster(ctx: TalosContext, node: SimNode): void {
  requireControlPlane(node, 'leave cluster');
  const { ec, self } = local(ctx, node);
  withQuorum(ctx, ec);
  assertRemovable(ctx, ec, self);
  remove(ctx, ec, self, 'etcd.member-left');
}

/** EtcdForfeitLeadership: moves leadership away from this member; returns the new leader's name ('' when it was not the leader). */
export function forfeitLeadership(ctx: TalosContext, node: SimNode): string {
  requireControlPlane(node, 'forfeit leadership');
  const { ec, self } = local(ctx, node);
  withQuorum(ctx, ec);
  if (ec.leaderId !== self.id) return '';
  const next = sortedMembers(ec).find((m) => m.id !== self.id && !m.learner && memberReachable(ctx, ec, m));
  if (next === undefined) return '';
  ec.leaderId = next.id;
  // MoveLeader makes the target campaign at once: a new term.
  ec.raftTerm += 1;
  const cluster = clusterOf(ctx, node);
  if (cluster !== undefined) recordEtcd(ctx, cluster, 'etcd.leader-changed', ec, next, { forfeitedBy: self.hostname });
  return next.hostname;
}

/**
 * EtcdSnapshot: the real etcd's snapshot of the cluster's data (a bbolt db and etcd's sha256
 * trailer), in etcd's chunks. It needs this node's own member, not quorum: etcd serves it anyway.
 */
export function snapshot(ctx: TalosContext, node: SimNode): AsyncIterable<Buffer> {
  requireControlPlane(node, 'etcd snapshot');
  local(ctx, node);
  const cluster = clusterOf(ctx, node);
  if (cluster === undefined) throw rpcError.unavailable('etcd is not running on this node');
  const chunks = ctx.clusterEtcd.snapshot(cluster);
  return (async function* () {
    try {
      yield* chunks;
    } catch (error) {
      throw rpcError.unavailable(`failed to create etcd snapshot: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
}
