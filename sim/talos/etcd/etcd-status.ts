// MachineService.EtcdStatus: machined asks its local etcd (localhost:2379) for the maintenance
// Status and wraps the answer (v1alpha1_server.go EtcdStatus). etcd answers Status from the
// member's own raft state, without asking the leader, so it works without quorum: `leader` is 0
// and `errors` holds "etcdserver: no leader" (server/etcdserver/api/v3rpc/maintenance.go).
import type { TalosContext } from '../core/context.ts';
import type { SimNode } from '../core/state.ts';
import { etcdVersionOf, storageVersionOf } from './etcd-version.ts';
import { etcdClusterOfNode, hasQuorum, memberReachable } from './etcd-view.ts';
import { requireControlPlane } from './membership.ts';

/** EtcdMemberStatus as the reply carries it (uint64/int64 as decimal strings). */
export interface EtcdMemberStatusReply {
  readonly memberId: string;
  readonly protocolVersion: string;
  readonly storageVersion: string;
  readonly dbSize: string;
  readonly dbSizeInUse: string;
  readonly leader: string;
  readonly raftIndex: string;
  readonly raftTerm: string;
  readonly raftAppliedIndex: string;
  readonly errors: string[];
  readonly isLearner: boolean;
}

const noLeader = 'etcdserver: no leader';
const mib = 2 ** 20;

/**
 * The local member's status, or undefined when no etcd listens on this node (not joined yet,
 * left, removed): clientv3 then waits for the endpoint (WaitForReady) until the caller gives up.
 */
export function localEtcdStatus(ctx: TalosContext, node: SimNode): EtcdMemberStatusReply | undefined {
  requireControlPlane(node, 'etcd status');
  const ec = etcdClusterOfNode(ctx, node);
  const self = ec?.members.find((m) => m.id === node.etcd.memberId);
  if (ec === undefined || self === undefined) return undefined;
  // A member faulted unhealthy is cut off from its peers (it no longer counts for quorum): it
  // still answers, but its raft has lost the leader.
  const seesLeader = memberReachable(ctx, ec, self) && hasQuorum(ctx, ec) && ec.leaderId !== undefined;
  const version = etcdVersionOf(node.talosVersion);
  // Kubernetes writes (leases, events) a few times a second: the index grows with (scaled) time.
  const index = ec.revision + Math.floor((Date.now() - ec.createdAt) / (1000 * ctx.scale));
  const dbSize = 20 * mib + ec.revision * 64 * 1024;
  return {
    memberId: self.id,
    protocolVersion: version,
    storageVersion: storageVersionOf(version),
    dbSize: String(dbSize),
    dbSizeInUse: String(Math.floor(dbSize * 0.6)),
    leader: seesLeader ? (ec.leaderId ?? '0') : '0',
    raftIndex: String(index),
    raftTerm: String(ec.raftTerm),
    raftAppliedIndex: String(index),
    errors: seesLeader ? [] : [noLeader],
    isLearner: self.learner,
  };
}
