import type { ClusterRef } from './cluster-ref.ts';
import type { MachineIntent } from './inventory.ts';
import type { Ipv4PoolSpecInput } from './ipam.ts';
import type { MachineRole } from './observed-cluster.ts';
import type { MachineVmSpecInput, StaticAddress, VmRef } from './proxmox.ts';
import type { MachineConfigInput } from './talos/machine-config-input.ts';

/** Which machine to build and whether it bootstraps etcd. */
export interface MachineToCreate {
  readonly name: string;
  readonly role: MachineRole;
  /** The MachineDeployment of a worker. */
  readonly deployment?: string;
  readonly bootstrap: boolean;
  /** Built while the control plane still comes up: its Node waits for the cluster's kubeconfig rather than failing without it. */
  readonly alongsideControlPlane?: boolean;
}

/** Everything needed to build one machine; plain JSON, secrets only by reference. */
export interface CreateMachineInput {
  readonly cluster: ClusterRef;
  readonly machine: string;
  readonly role: MachineRole;
  readonly deployment?: string;
  /** What its Machine object records before anything is built. */
  readonly intent: MachineIntent;
  /** The pool to take the machine's address from. */
  readonly pool: { readonly poolName: string; readonly pool: Ipv4PoolSpecInput };
  /** The VM, without its address (allocated by the workflow). */
  readonly vm: Omit<MachineVmSpecInput, 'address' | 'machine' | 'cluster'>;
  /**
   * The machine config, without its network (built from the allocated address); `sharedIp` is the
   * Talos VIP a control plane announces on that network (the endpoint, unless an external load balancer serves it).
   */
  readonly config: Omit<MachineConfigInput, 'network' | 'hostname' | 'providerID'> & { readonly sharedIp?: string };
  /** True for the first control-plane machine only: it bootstraps etcd (exactly once). */
  readonly bootstrap: boolean;
  /** Built while the control plane still comes up (provisioning): its Node waits for the kubeconfig to exist. */
  readonly alongsideControlPlane?: boolean;
  /** The cluster workflow that shows this run's progress. */
  readonly reportTo?: string;
}

/** What a machine run hands back once the machine is built and its Node Ready. */
export interface CreatedMachine {
  readonly machine: string;
  readonly address: StaticAddress;
  readonly vm: VmRef;
  readonly providerID: string;
  readonly kubeletVersion: string;
}

/** Everything needed to remove one machine and what it held. */
export interface DeleteMachineInput {
  readonly cluster: ClusterRef;
  readonly machine: string;
  readonly role: MachineRole;
  /** Where the VM was last seen; absent when its creation never got that far (it is then found by name and marker). */
  readonly vm?: VmRef;
  readonly address?: string;
  /** The VM spec's identity fields, used to recognise the VM as ours before destroying it. */
  readonly vmSpec: MachineVmSpecInput;
  /** How long a drain may wait on PodDisruptionBudgets before the step blocks (default 600). */
  readonly drainTimeoutSeconds?: number;
  /** What a drain still held at its timeout does (default Block). */
  readonly drainTimeoutAction?: 'Block' | 'Proceed';
  /**
   * The machine is not part of a running cluster — the whole cluster is going, or it is a stray VM
   * or a machine that never joined: no drain, no etcd leave, no Node cleanup (as CAPI skips them).
   */
  readonly detached?: boolean;
  /** A control plane whose etcd member already left (the control-plane operation did it as its own step), or never joined. */
  readonly etcdLeft?: boolean;
  /** The cluster workflow that shows this run's progress. */
  readonly reportTo?: string;
}
