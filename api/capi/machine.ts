import { z } from 'zod';
import { defineCrd, type PrinterColumn } from '../crd/define-crd.ts';
import { immutableClusterName } from './cluster-name.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, capiGroup, capiVersion } from './groups.ts';
import { MachineSpec } from './machine-spec.ts';
import { ObjectEnvelope, ObjectReference } from './meta.ts';
import { MetaConditions } from './v1beta2/meta.ts';

/** CAPI's Machine phases. */
export const MachinePhase = z.enum(['Pending', 'Provisioning', 'Provisioned', 'Running', 'Deleting', 'Deleted', 'Failed', 'Unknown']);

/** clusterv1.MachineAddress. */
export const MachineAddress = z.object({
  type: z.enum(['Hostname', 'ExternalIP', 'InternalIP', 'ExternalDNS', 'InternalDNS']),
  address: z.string(),
});

/** corev1.NodeSystemInfo, as the Node reports it: where `kubectl get machines` finds kubelet versions. */
export const NodeInfo = z.object({
  machineID: z.string().optional(),
  systemUUID: z.string().optional(),
  bootID: z.string().optional(),
  kernelVersion: z.string().optional(),
  osImage: z.string().optional(),
  containerRuntimeVersion: z.string().optional(),
  kubeletVersion: z.string().optional(),
  kubeProxyVersion: z.string().optional(),
  operatingSystem: z.string().optional(),
  architecture: z.string().optional(),
});

/**
 * Machine status: CAPI's fields (phase, addresses, nodeRef, nodeInfo, conditions), plus where its
 * VM runs in Proxmox and which Talos it runs, so `kubectl get machines -o wide` answers without a
 * second lookup of the ProxmoxMachine. Conditions are a map keyed by `type`: the observer
 * (`capstan-observer`) and the health checks (`capstan-health`) each own their types under
 * server-side apply.
 */
export const MachineStatus = z.object({
  phase: MachinePhase.optional(),
  addresses: z.array(MachineAddress).optional(),
  nodeRef: ObjectReference.optional(),
  nodeInfo: NodeInfo.optional(),
  lastUpdated: z.iso.datetime({ offset: true }).optional(),
  bootstrapReady: z.boolean().optional(),
  infrastructureReady: z.boolean().optional(),
  observedGeneration: z.number().int().optional(),
  failureReason: z.string().optional(),
  failureMessage: z.string().optional(),
  conditions: Conditions.optional(),
  /** The Proxmox VE node and VMID of the machine's VM. */
  proxmox: z.object({ node: z.string(), vmid: z.number().int() }).optional(),
  /** Talos version the machine runs, `v1.11.5`. */
  talosVersion: z.string().optional(),
  /** CAPI v1beta1's preview of v1beta2's status: what v1beta2 readers see in `status.conditions`. */
  v1beta2: z.object({ conditions: MetaConditions.optional() }).optional(),
});
export type MachineStatus = z.infer<typeof MachineStatus>;

/** The object as the API server stores it (the CRD's schema); a Machine's cluster never changes. */
export const MachineResource = z.object({
  spec: MachineSpec.extend({ clusterName: immutableClusterName('Machine') }),
  status: MachineStatus.optional(),
});

/**
 * A Machine as read from the API server: Capstan writes one per machine before its VM is cloned
 * (the intent) and removes it only after the VM is gone; users read them, and may delete them.
 */
export const Machine = MachineResource.extend(ObjectEnvelope);
export type Machine = z.infer<typeof Machine>;

/** Held by every Machine until Capstan has destroyed its VM (CAPI's name, so `kubectl delete` waits the same way). */
export const machineFinalizer = 'machine.cluster.x-k8s.io';

/** What `kubectl get ma` shows, in every served version (the paths are the same in v1beta2). */
export const machinePrinterColumns: readonly PrinterColumn[] = [
  { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName' },
  { name: 'NodeName', type: 'string', jsonPath: '.status.nodeRef.name', description: 'Node of this machine' },
  { name: 'ProviderID', type: 'string', jsonPath: '.spec.providerID' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'Kubernetes version of the kubelet' },
  { name: 'Proxmox-Node', type: 'string', jsonPath: '.status.proxmox.node', priority: 1 },
  { name: 'VMID', type: 'integer', jsonPath: '.status.proxmox.vmid', priority: 1 },
  { name: 'Address', type: 'string', jsonPath: '.status.addresses[?(@.type=="InternalIP")].address', priority: 1 },
  { name: 'Talos', type: 'string', jsonPath: '.status.talosVersion', priority: 1 },
];

/**
 * The Machine CRD. `kubectl get ma` reads like CAPI's (cluster, node name, provider ID, phase, age,
 * version); `-o wide` adds the Proxmox node, VMID, address and Talos version.
 */
export const machineCrd = defineCrd(
  {
    group: capiGroup,
    version: capiVersion,
    kind: 'Machine',
    plural: 'machines',
    singular: 'machine',
    shortNames: ['ma'],
    categories: [capiCategory],
    printerColumns: machinePrinterColumns,
  },
  MachineResource,
);
