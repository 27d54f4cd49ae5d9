// Snapshots of simulator state for callers (tests, the invariant checker, npm start's status).
import { clusterOf } from './core/clusters.ts';
import type { TalosContext } from './core/context.ts';
import { hostnameOf } from './core/state.ts';
import type { EtcdClusterState, NodeStage } from './core/state.ts';
import { etcdClusterOfNode, hexId, memberReachable, sortedMembers } from './etcd/etcd-view.ts';

/** One etcd member as callers see it. */
export interface SimEtcdMember {
  /** uint64 as a decimal string (what EtcdMemberList carries). */
  readonly id: string;
  /** The id as Talos prints it (`%016x`). */
  readonly hexId: string;
  readonly hostname: string;
  readonly address: string;
  readonly learner: boolean;
  readonly reachable: boolean;
  readonly leader: boolean;
}

/** One simulated Talos node. */
export interface SimTalosNode {
  readonly address: string;
  readonly vmid: number;
  readonly hostname: string;
  readonly machineType?: 'controlplane' | 'worker';
  readonly clusterName?: string;
  readonly talosVersion: string;
  readonly kubernetesVersion?: string;
  readonly stage: NodeStage;
  readonly etcdMember?: SimEtcdMember & { readonly etcdClusterId: string };
}

/** One etcd cluster. */
export interface SimEtcdCluster {
  readonly id: string;
  readonly members: readonly SimEtcdMember[];
  readonly quorum: boolean;
}

/** A shared IP (Talos VIP) of a cluster and the control plane announcing it. */
export interface SimSharedIp {
  readonly ip: string;
  /** The holder's node address; absent while nobody holds it (before bootstrap, during a failover). */
  readonly holder?: string;
  readonly holderHostname?: string;
}

/** One Talos cluster. */
export interface SimTalosCluster {
  readonly name: string;
  readonly endpoint: string;
  readonly bootstrapped: boolean;
  /** Members of the (first) etcd cluster. */
  readonly etcdMembers: readonly SimEtcdMember[];
  /** Every etcd cluster: more than one is a split brain. */
  readonly etcdClusters: readonly SimEtcdCluster[];
  readonly quorum: boolean;
  readonly apiserverUrl?: string;
  /** Whether the Kubernetes API is up (etcd has quorum); where it answers depends on `sharedIps`. */
  readonly apiAvailable: boolean;
  /** Every shared IP its control planes campaign for, with its holder. */
  readonly sharedIps: readonly SimSharedIp[];
}

function members(ctx: TalosContext, ec: EtcdClusterState): SimEtcdMember[] {
  return sortedMembers(ec).map((m) => ({
    id: m.id,
    hexId: hexId(m.id),
    hostname: m.hostname,
    address: m.address,
    learner: m.learner,
    reachable: memberReachable(ctx, ec, m),
    leader: ec.leaderId === m.id,
  }));
}

/** Every node. */
export function nodeViews(ctx: TalosContext): SimTalosNode[] {
  return [...ctx.nodes.values()].map((node) => {
    const ec = etcdClusterOfNode(ctx, node);
    const cluster = clusterOf(ctx, node);
    const member = ec === undefined ? undefined : members(ctx, ec).find((m) => m.id === node.etcd.memberId);
    return {
      address: node.address,
      vmid: node.vmid,
      hostname: hostnameOf(node),
      ...(node.config === undefined
        ? {}
        : { machineType: node.config.machineType, ...(cluster === undefined ? {} : { clusterName: cluster.name }) }),
      talosVersion: node.talosVersion,
      ...(node.config?.kubernetesVersion === undefined ? {} : { kubernetesVersion: node.config.kubernetesVersion }),
      stage: node.stage,
      ...(member === undefined || ec === undefined ? {} : { etcdMember: { ...member, etcdClusterId: ec.id } }),
    };
  });
}

/** Every cluster. */
export function clusterViews(ctx: TalosContext): SimTalosCluster[] {
  return [...ctx.clusters.values()].map((cluster) => {
    const etcdClusters = cluster.etcdClusters.map((ec) => ({ id: ec.id, members: members(ctx, ec), quorum: ec.quorum }));
    return {
      name: cluster.name,
      endpoint: cluster.endpoint,
      bootstrapped: cluster.etcdClusters.length > 0,
      etcdMembers: etcdClusters[0]?.members ?? [],
      etcdClusters,
      quorum: etcdClusters[0]?.quorum ?? false,
      ...(cluster.apiserverUrl === undefined ? {} : { apiserverUrl: cluster.apiserverUrl }),
      apiAvailable: cluster.apiAvailable,
      sharedIps: Object.values(cluster.sharedIps).map((election) => {
        const holder = election.holder === undefined ? undefined : ctx.nodes.get(election.holder);
        return {
          ip: election.ip,
          ...(holder === undefined ? {} : { holder: holder.address, holderHostname: hostnameOf(holder) }),
        };
      }),
    };
  });
}
