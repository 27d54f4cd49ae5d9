// Level-triggered etcd housekeeping after every change: quorum events, leader election,
// control planes with an empty data dir joining as learners, learners being promoted.
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { hostnameOf } from '../core/state.ts';
import type { EtcdClusterState, EtcdMemberState, SimCluster, SimNode } from '../core/state.ts';
import { servicesReady } from '../node/lifecycle.ts';
import { hasQuorum, hexId, memberReachable, primaryEtcd, removalKeepsQuorum, sortedMembers, voters } from './etcd-view.ts';

/** Records an etcd event about a cluster (and optionally a member). */
export function recordEtcd(
  ctx: TalosContext,
  cluster: SimCluster,
  type: Parameters<TalosContext['events']['append']>[0]['type'],
  ec: EtcdClusterState,
  member?: EtcdMemberState,
  detail: Record<string, string | number | boolean> = {},
): void {
  ctx.events.append({
    type,
    cluster: cluster.name,
    ...(member === undefined ? {} : { vmid: member.vmid, address: member.address, hostname: member.hostname }),
    detail: {
      etcdCluster: ec.id,
      ...(member === undefined ? {} : { memberId: hexId(member.id), learner: member.learner }),
      members: ec.members.length,
      voters: voters(ec).length,
      ...detail,
    },
  });
}

/** A new etcd cluster whose only member, `node`, leads it (Bootstrap, or a recovery from a snapshot). */
export function newEtcdCluster(ctx: TalosContext, node: SimNode): { ec: EtcdClusterState; member: EtcdMemberState } {
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
  return { ec, member };
}

/** Adds a node to an etcd cluster (as a learner unless it bootstraps it). */
export function addMember(ctx: TalosContext, ec: EtcdClusterState, node: SimNode, learner: boolean): EtcdMemberState {
  const member: EtcdMemberState = {
    id: ctx.random.uint64(),
    vmid: node.vmid,
    address: node.address,
    hostname: hostnameOf(node),
    learner,
    addedAt: Date.now(),
  };
  ec.members.push(member);
  ec.revision += 1;
  node.etcd = { state: 'member', etcdClusterId: ec.id, memberId: member.id };
  return member;
}

function electLeader(ctx: TalosContext, cluster: SimCluster, ec: EtcdClusterState): void {
  const current = ec.members.find((m) => m.id === ec.leaderId);
  if (current !== undefined && !current.learner && memberReachable(ctx, ec, current)) return;
  const next = sortedMembers(ec).find((m) => !m.learner && memberReachable(ctx, ec, m));
  if (next === undefined || next.id === ec.leaderId) return;
  ec.leaderId = next.id;
  ec.raftTerm += 1;
  recordEtcd(ctx, cluster, 'etcd.leader-changed', ec, next);
}

function schedulePromotion(ctx: TalosContext, cluster: SimCluster, ec: EtcdClusterState, member: EtcdMemberState): void {
  member.promotionPending = true;
  ctx.timers.after(ctx.ms('learnerPromotion'), () => {
    member.promotionPending = false;
    if (!ec.members.includes(member) || !member.learner) return;
    if (memberReachable(ctx, ec, member) && hasQuorum(ctx, ec)) {
      member.learner = false;
      ec.revision += 1;
      recordEtcd(ctx, cluster, 'etcd.member-promoted', ec, member);
    }
    ctx.changed();
  });
}

function scheduleJoin(ctx: TalosContext, cluster: SimCluster, node: SimNode): void {
  node.joinPending = true;
  const epoch = node.epoch;
  ctx.timers.after(ctx.ms('etcdJoin'), () => {
    if (node.epoch !== epoch) return;
    node.joinPending = false;
    const ec = primaryEtcd(cluster);
    if (ec === undefined || node.etcd.state !== 'empty' || !hasQuorum(ctx, ec)) return;
    // Talos' addMember first removes a member of the same name: this node's own, from before its
    // data was lost (etcd refuses the removal without a majority left; Talos tries again later).
    const stale = ec.members.find((m) => m.hostname === hostnameOf(node));
    if (stale !== undefined) {
      if (!removalKeepsQuorum(ctx, ec, stale)) return;
      ec.members = ec.members.filter((m) => m !== stale);
      ec.revision += 1;
      if (ec.leaderId === stale.id) delete ec.leaderId;
      recordEtcd(ctx, cluster, 'etcd.member-removed', ec, stale, { reason: 'a control plane of the same name joins afresh' });
    }
    // etcd admits one learner at a time (--max-learners, 1 by default since 3.5): Talos tries again later.
    const learner = ec.members.find((m) => m.learner);
    if (learner !== undefined) {
      recordEtcd(ctx, cluster, 'etcd.join-refused', ec, undefined, {
        node: hostnameOf(node),
        reason: `etcdserver: too many learner members in cluster (${learner.hostname} is still a learner)`,
      });
      ctx.changed();
      return;
    }
    const member = addMember(ctx, ec, node, true);
    recordEtcd(ctx, cluster, 'etcd.member-added', ec, member);
    ctx.changed();
  });
}

/** Brings every etcd cluster's derived state up to date. */
export function reconcileEtcd(ctx: TalosContext): void {
  for (const cluster of ctx.clusters.values()) {
    for (const ec of cluster.etcdClusters) {
      const quorum = hasQuorum(ctx, ec);
      if (quorum !== ec.quorum) {
        ec.quorum = quorum;
        const unreachable = ec.members.filter((m) => !m.learner && !memberReachable(ctx, ec, m)).map((m) => m.hostname);
        recordEtcd(ctx, cluster, quorum ? 'etcd.quorum-restored' : 'etcd.quorum-lost', ec, undefined, {
          unreachable: unreachable.join(','),
        });
      }
      if (!quorum) {
        // Without quorum etcd has no leader; a new one is elected when quorum returns.
        delete ec.leaderId;
        continue;
      }
      electLeader(ctx, cluster, ec);
      for (const member of ec.members) if (member.learner && member.promotionPending !== true) schedulePromotion(ctx, cluster, ec, member);
    }
  }
  for (const node of ctx.nodes.values()) {
    if (node.config?.machineType !== 'controlplane' || node.etcd.state !== 'empty' || node.joinPending === true || !servicesReady(node))
      continue;
    const cluster = clusterOf(ctx, node);
    const ec = primaryEtcd(cluster);
    // While a learner catches up, a join would only be refused: the next try follows its promotion.
    if (cluster !== undefined && ec !== undefined && ec.quorum && !ec.members.some((m) => m.learner)) scheduleJoin(ctx, cluster, node);
  }
}
