// Read-only questions about simulated etcd: who is a member, who is reachable, is there quorum.
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import type { EtcdClusterState, EtcdMemberState, SimCluster, SimNode } from '../core/state.ts';

/** The etcd cluster a node's data directory belongs to. */
export function etcdClusterOfNode(ctx: TalosContext, node: SimNode): EtcdClusterState | undefined {
  if (node.etcd.state !== 'member') return undefined;
  return clusterOf(ctx, node)?.etcdClusters.find((ec) => ec.id === node.etcd.etcdClusterId);
}

/** The etcd cluster new members join: the first one ever bootstrapped. */
export function primaryEtcd(cluster: SimCluster | undefined): EtcdClusterState | undefined {
  return cluster?.etcdClusters[0];
}

/** Whether a member's etcd answers: its node runs, still holds this membership and is not faulted unhealthy. */
export function memberReachable(ctx: TalosContext, ec: EtcdClusterState, member: EtcdMemberState): boolean {
  const node = ctx.nodes.get(member.vmid);
  return (
    node !== undefined &&
    node.stage === 'running' &&
    node.etcd.state === 'member' &&
    node.etcd.etcdClusterId === ec.id &&
    node.etcd.memberId === member.id &&
    !ctx.faults.etcdUnhealthy(node.address)
  );
}

/** Voting members (learners do not count for quorum). */
export function voters(ec: EtcdClusterState): EtcdMemberState[] {
  return ec.members.filter((m) => !m.learner);
}

/** Whether a majority of voters is reachable. */
export function hasQuorum(ctx: TalosContext, ec: EtcdClusterState): boolean {
  const voting = voters(ec);
  const up = voting.filter((m) => memberReachable(ctx, ec, m)).length;
  return voting.length > 0 && up > voting.length / 2;
}

/** Members in etcd's order (by id). */
export function sortedMembers(ec: EtcdClusterState): EtcdMemberState[] {
  return [...ec.members].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
}

/** A member id as Talos prints it (`%016x`). */
export function hexId(id: string): string {
  return BigInt(id).toString(16).padStart(16, '0');
}

/** Members whose node still holds this membership's data (its etcd data directory). */
export function dataHolders(ctx: TalosContext, ec: EtcdClusterState): EtcdMemberState[] {
  return ec.members.filter((m) => {
    const node = ctx.nodes.get(m.vmid);
    return node?.etcd.state === 'member' && node.etcd.etcdClusterId === ec.id && node.etcd.memberId === m.id;
  });
}

/** Quorum is lost for good: no member's data survives, only a restore from a snapshot brings the data back. */
export function lostForGood(ctx: TalosContext, ec: EtcdClusterState | undefined): boolean {
  return ec !== undefined && dataHolders(ctx, ec).length === 0;
}

/** etcd's --strict-reconfig-check: a removal must leave a reachable majority of the remaining voters. */
export function removalKeepsQuorum(ctx: TalosContext, ec: EtcdClusterState, member: EtcdMemberState): boolean {
  if (member.learner) return true;
  const rest = voters(ec).filter((m) => m.id !== member.id);
  const up = rest.filter((m) => memberReachable(ctx, ec, m)).length;
  return rest.length > 0 && up > rest.length / 2;
}
