// The simulator's state: simulated Talos nodes (one per running VM with a loopback address),
// the Talos clusters their configs form, and the etcd clusters inside those.
import type { ConfigCa, SimMachineConfig } from '../config/machine-config.ts';

/** Where a node is in its life. */
export type NodeStage = 'booting' | 'maintenance' | 'installing' | 'running' | 'rebooting' | 'down';

/**
 * A node's etcd data directory: empty (may join or bootstrap), holding a membership, left/removed,
 * being restored from an uploaded snapshot (recovery bootstrap), or empty after a recovery whose
 * etcd service failed (it stays failed until the next boot or Bootstrap).
 */
export interface NodeEtcd {
  state: 'empty' | 'member' | 'left' | 'recovering' | 'failed';
  etcdClusterId?: string;
  memberId?: string;
  /** The failed etcd service's message (state `failed`). */
  failure?: string;
}

/** One simulated Talos node, keyed by its VM. */
export interface SimNode {
  readonly vmid: number;
  address: string;
  /** The Proxmox node the VM runs on (for power-off requests). */
  pveNode: string;
  stage: NodeStage;
  /** The version of the boot media (what maintenance mode runs). */
  readonly bootVersion: string;
  /** The installed (or, before install, booted) Talos version. */
  talosVersion: string;
  config?: SimMachineConfig;
  /** What takes effect on the next reboot (STAGED applies, staged upgrades). */
  staged: { config?: SimMachineConfig; upgradeImage?: string };
  etcd: NodeEtcd;
  /** Incremented on every power or boot change, so stale timers do nothing. */
  epoch: number;
  /** When apid came up in this boot. */
  upAt?: number;
  /** When CRI turns healthy in this boot (Bootstrap possible, kubelet started). */
  servicesReadyAt?: number;
  /** A worker waiting for trustd: no control plane of its cluster holds the OS CA key yet. */
  awaitingCerts?: boolean;
  joinPending?: boolean;
  /** The VM's SMBIOS uuid at this boot (`smbios1: uuid=…`): what /sys/class/dmi/id/product_uuid reads. */
  systemUuid?: string;
  /** The boot (epoch) in which the kubelet registered its Node: a running kubelet registers once, never again. */
  kubeletRegisteredEpoch?: number;
  /** The kubelet saw the node shut down gracefully and posted "node is shutting down" before it stopped. */
  shuttingDown?: boolean;
  /** When the kubelet last stopped posting (node down, kubelet failed): its last heartbeat. */
  kubeletStoppedAt?: number;
}

/** One etcd member. */
export interface EtcdMemberState {
  /** uint64 as a decimal string. */
  readonly id: string;
  readonly vmid: number;
  readonly address: string;
  hostname: string;
  learner: boolean;
  readonly addedAt: number;
  promotionPending?: boolean;
}

/** One etcd cluster; a Talos cluster normally has exactly one. */
export interface EtcdClusterState {
  readonly id: string;
  readonly createdAt: number;
  readonly bootstrappedBy: string;
  members: EtcdMemberState[];
  leaderId?: string;
  /** Quorum as last evaluated (events fire on changes). */
  quorum: boolean;
  revision: number;
  /** The raft term: one more with every leader elected (pre-vote keeps it while there is no quorum). */
  raftTerm: number;
}

/** One control plane's key in a shared-IP election (etcd's FIFO queue, ordered by create revision). */
export interface SharedIpCandidate {
  readonly vmid: number;
  readonly address: string;
  /** Set once the node stopped campaigning without revoking its lease: its key stays until then (Date.now() ms). */
  leaseExpiresAt?: number;
}

/** The election Talos' VIP operator runs through etcd for one shared IP of a cluster. */
export interface SharedIpElection {
  readonly ip: string;
  /** Campaigning keys, oldest first; the first one, while its lease lives and its node campaigns, holds the IP. */
  queue: SharedIpCandidate[];
  /** The vmid of the node announcing the IP now. */
  holder?: number;
}

/** A Talos cluster as the simulator knows it from applied configs. */
export interface SimCluster {
  /** The OS CA's fingerprint: two clusters may share a name, never a CA. */
  readonly key: string;
  /** `cluster.clusterName` of its control planes. */
  name: string;
  endpoint: string;
  osCa: ConfigCa;
  k8sCa: ConfigCa;
  machineToken: string;
  /** In creation order; the first is the one later members join, any other is a split brain. */
  etcdClusters: EtcdClusterState[];
  /** Whether the Kubernetes API answers at the endpoint. */
  apiAvailable: boolean;
  apiserverUrl?: string;
  /** Shared-IP elections by IP (`machine.network.interfaces[].vip` of its control planes). */
  sharedIps: Record<string, SharedIpElection>;
}

/** The hostname a node reports: from its config, else one derived from its address (Talos makes one up too). */
export function hostnameOf(node: SimNode): string {
  return node.config?.hostname ?? `talos-${node.address.split('.').slice(1).join('-')}`;
}
