// What one observation of a cluster saw: the intent recorded in the management cluster (Machine,
// ProxmoxMachine, MachineSet objects) next to what Proxmox, Talos, etcd and the workload cluster
// answered. Every plan starts from one; whatever a workflow remembers is only a cache of it.
import type { ClusterRef } from './cluster-ref.ts';
import type { MachineRole } from './observed-cluster.ts';
import type { StaticAddress } from './proxmox.ts';
import { proxmoxCredentialsOf, type ProxmoxCredentialsRef } from './proxmox-credentials.ts';

/** A Kubernetes condition status. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** One condition of a workload-cluster Node, as its kubelet reported it. */
export interface NodeCondition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly lastTransitionTime: string;
  readonly reason?: string;
}

/** A machine's VM as Proxmox shows it now. */
export interface VmObservation {
  readonly node: string;
  readonly vmid: number;
  /** PVE's status: `running`, `stopped`, `paused`, … */
  readonly status: string;
}

/** A machine's Node in the workload cluster. */
export interface NodeObservation {
  readonly ready: ConditionStatus;
  readonly kubeletVersion: string;
  readonly providerID?: string;
  readonly unschedulable: boolean;
  readonly conditions: readonly NodeCondition[];
}

/** The machine's etcd member, as the member list and its status answered. */
export interface EtcdMemberObservation {
  readonly id: string;
  readonly learner: boolean;
  /** The member answered its status without errors. */
  readonly healthy: boolean;
  /** Why it is not healthy. */
  readonly problem?: string;
}

/** A control plane's etcd service as Talos reports it (`Running`, `Preparing`, `Failed`, ...). */
export interface EtcdServiceObservation {
  readonly machine: string;
  readonly state: string;
  /** The service's last event or health message. */
  readonly message?: string;
}

/** One machine: its recorded intent and what each system answered about it. */
export interface MachineObservation {
  readonly name: string;
  readonly role: MachineRole;
  /** The MachineDeployment (and MachineSet) of a worker. */
  readonly deployment?: string;
  readonly machineSet?: string;
  /** The Machine's labels, for MachineHealthCheck selectors. */
  readonly labels: Readonly<Record<string, string>>;
  /** When its intent (Machine object) was written. */
  readonly createdAt: string;
  /** Its Machine is being deleted (a deletionTimestamp, set by Capstan or by a user). */
  readonly deleting: boolean;
  /** It is the machine that bootstraps etcd (the first control plane). */
  readonly bootstrap: boolean;
  /** What it was built for: Machine spec.version and Capstan's annotations. */
  readonly intent: { readonly kubernetesVersion: string; readonly talosVersion: string; readonly shapeHash: string };
  /** Set once its VM was cloned (`proxmox://<smbios uuid>`): a VM existed. */
  readonly providerID?: string;
  /** Its VM (by name and owner marker, anywhere in the Proxmox cluster); absent when there is none. */
  readonly vm?: VmObservation;
  /** Its address from IPAM. */
  readonly address?: StaticAddress;
  /** The Talos API at its address: the installed version, or why it did not answer. */
  readonly talos?: { readonly reachable: true; readonly version: string } | { readonly reachable: false; readonly problem: string };
  /** Its Node; absent when the workload cluster has none of that name (or could not be asked: see `kubernetesApi`). */
  readonly node?: NodeObservation;
  /** The Machine had a Node (status.nodeRef, kept once seen; or one is seen now): a Node missing now was deleted. */
  readonly hadNode: boolean;
  /** When its infrastructure (VM) was first seen ready, for MachineHealthCheck's nodeStartupTimeout. */
  readonly infrastructureReadySince?: string;
  /** Its etcd member (control planes); absent when it is not a member. */
  readonly etcd?: EtcdMemberObservation;
}

/** A VM carrying this cluster's owner marker that no Machine claims. */
export interface StrayVm extends VmObservation {
  readonly name: string;
}

/** What an observation is asked for: the cluster, and the Proxmox credentials Secret its ProxmoxCluster names (none: the worker's own). */
export interface ObserveClusterInput extends ClusterRef {
  readonly proxmoxCredentials?: ProxmoxCredentialsRef;
}

/** The observation input of a desired cluster: the Secret by name only, never its token. */
export function observeClusterInput(desired: ClusterRef & Parameters<typeof proxmoxCredentialsOf>[0]): ObserveClusterInput {
  const proxmoxCredentials = proxmoxCredentialsOf(desired);
  return { namespace: desired.namespace, name: desired.name, ...(proxmoxCredentials ? { proxmoxCredentials } : {}) };
}

/** Everything one observation of a cluster saw. */
export interface ClusterObservation {
  /** When the observation was made (ISO). */
  readonly at: string;
  readonly machines: readonly MachineObservation[];
  readonly strayVms: readonly StrayVm[];
  /** The etcd member list through a control plane that answered; absent when none did. */
  readonly etcdMembers?: readonly { readonly id: string; readonly name: string; readonly learner: boolean }[];
  /**
   * The etcd service of each control plane that answered Talos, asked only when no member list
   * answered: the difference between etcd down for a while and etcd's data gone everywhere.
   */
  readonly etcdServices?: readonly EtcdServiceObservation[];
  /** etcd was bootstrapped once (the durable record, or a member list answered). */
  readonly controlPlaneInitialized: boolean;
  /** The reserved control-plane endpoint address, when there is one. */
  readonly controlPlaneEndpoint?: string;
  /** The workload cluster's API: `none` before a kubeconfig exists; Nodes are unknown unless `reachable`. */
  readonly kubernetesApi: 'reachable' | 'unreachable' | 'none';
}
