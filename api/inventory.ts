// The inventory Capstan keeps in the management cluster, shaped as Cluster API keeps it: per machine
// a Machine and a ProxmoxMachine (written before the VM is cloned, removed only after it is gone),
// and per MachineDeployment one MachineSet per machine shape. These are the inputs of the
// activities that write it; the objects themselves are in api/capi/.
import type { ClusterRef } from './cluster-ref.ts';
import type { MachineRole } from './observed-cluster.ts';
import type { MachineVmSpecInput } from './proxmox.ts';
import { boundedName } from './bounded-name.ts';

/** Capstan's annotations on a Machine: what it was built for, beyond CAPI's fields. */
export const InventoryAnnotation = {
  /** Hash of the machine shape (VM template, size, disk) it was built from. */
  shapeHash: 'capstan.dev/shape-hash',
  /** The Talos version it was built for or last upgraded to. */
  talosVersion: 'capstan.dev/talos-version',
  /** "true" on the control-plane machine that bootstraps etcd. */
  bootstrapsEtcd: 'capstan.dev/bootstraps-etcd',
  /** On the cluster's `<cluster>-talos-secrets` Secret: when etcd was bootstrapped (it is never bootstrapped twice). */
  etcdBootstrapped: 'capstan.dev/etcd-bootstrapped',
} as const;

/** Everything the intent of one machine records, before anything is built. */
export interface MachineIntent {
  readonly cluster: ClusterRef;
  readonly machine: string;
  readonly role: MachineRole;
  /** The MachineDeployment of a worker: its MachineSet is `<deployment>-<first 5 of shapeHash>`. */
  readonly deployment?: string;
  readonly kubernetesVersion: string;
  readonly talosVersion: string;
  readonly shapeHash: string;
  readonly bootstrap: boolean;
  /** The VM it gets: the ProxmoxMachine's spec. */
  readonly vm: Omit<MachineVmSpecInput, 'address' | 'machine' | 'cluster'>;
}

/** Where a machine's VM turned out to be, recorded once it is cloned. */
export interface VmRecord {
  readonly cluster: ClusterRef;
  readonly machine: string;
  readonly node: string;
  readonly vmid: number;
  /** `proxmox://<smbios1 uuid>`: the Machine's and the Node's spec.providerID. */
  readonly providerID: string;
}

/** The MachineSet a worker of this deployment and shape belongs to (also a label value: at most 63 characters). */
export function machineSetName(deployment: string, shapeHash: string): string {
  return boundedName(deployment, `-${shapeHash.slice(0, 5)}`);
}
