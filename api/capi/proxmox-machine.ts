import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, infrastructureGroup, infrastructureVersion } from './groups.ts';
import { MachineAddress } from './machine.ts';
import { ObjectEnvelope } from './meta.ts';
import { ProxmoxMachineSpec as ProxmoxMachineTemplateMachineSpec } from './proxmox-machine-template.ts';

/** Held by every ProxmoxMachine until its VM is gone (CAPMOX's name). */
export const proxmoxMachineFinalizer = 'proxmoxmachine.infrastructure.cluster.x-k8s.io';

/**
 * CAPMOX's ProxmoxMachineSpec (v1alpha1) for one machine. Capstan writes it from a machine shape it
 * has already validated, so the object keeps what it was given: the template's user-facing minimums
 * (1024 MiB, multiple of 8, 10 GB) are not repeated here.
 */
export const ProxmoxMachineSpec = ProxmoxMachineTemplateMachineSpec.extend({
  memoryMiB: z.number().int().min(1).optional(),
  disks: z
    .object({
      bootVolume: z.object({ disk: z.string().min(1), sizeGb: z.number().int().min(1) }).optional(),
      additionalVolumes: z.array(z.looseObject({})).optional(),
    })
    .optional(),
});
export type ProxmoxMachineSpec = z.infer<typeof ProxmoxMachineSpec>;

/** CAPMOX's VirtualMachineState: no VM, a VM that does not run (yet), a running VM. */
export const ProxmoxVmStatus = z.enum(['notfound', 'pending', 'ready']);

/** ProxmoxMachine condition types (CAPMOX v1alpha1). */
export const ProxmoxMachineConditionType = {
  VMProvisioned: 'VMProvisioned',
  Ready: 'Ready',
} as const;

/** ProxmoxMachine status: CAPMOX's fields, as the observer finds the VM. */
export const ProxmoxMachineStatus = z.object({
  /** The VM exists and runs. */
  ready: z.boolean().optional(),
  addresses: z.array(MachineAddress).optional(),
  vmStatus: ProxmoxVmStatus.optional(),
  bootstrapDataProvided: z.boolean().optional(),
  ipAddresses: z.record(z.string(), z.object({ ipv4: z.string().optional(), ipv6: z.string().optional() })).optional(),
  /** The Proxmox VE node the VM is on now (it may have been migrated since the clone). */
  proxmoxNode: z.string().optional(),
  /** UPID of the Proxmox task in flight. */
  taskRef: z.string().optional(),
  failureReason: z.string().optional(),
  failureMessage: z.string().optional(),
  conditions: Conditions.optional(),
});
export type ProxmoxMachineStatus = z.infer<typeof ProxmoxMachineStatus>;

/** The object as the API server stores it (the CRD's schema). */
export const ProxmoxMachineResource = z.object({ spec: ProxmoxMachineSpec, status: ProxmoxMachineStatus.optional() });

/** A ProxmoxMachine as read from the API server: one per Machine, same name, owned by it. */
export const ProxmoxMachine = ProxmoxMachineResource.extend(ObjectEnvelope);
export type ProxmoxMachine = z.infer<typeof ProxmoxMachine>;

/** The ProxmoxMachine CRD, with CAPMOX's names and columns (`kubectl get moxm`). */
export const proxmoxMachineCrd = defineCrd(
  {
    group: infrastructureGroup,
    version: infrastructureVersion,
    kind: 'ProxmoxMachine',
    plural: 'proxmoxmachines',
    singular: 'proxmoxmachine',
    shortNames: ['moxm'],
    categories: [capiCategory, 'proxmox'],
    printerColumns: [
      {
        name: 'Cluster',
        type: 'string',
        jsonPath: ".metadata.labels['cluster\\.x-k8s\\.io/cluster-name']",
        description: 'Cluster to which this ProxmoxMachine belongs',
      },
      {
        name: 'Machine',
        type: 'string',
        jsonPath: '.metadata.ownerReferences[?(@.kind=="Machine")].name',
        description: 'Machine object which owns this ProxmoxMachine',
      },
      { name: 'VMID', type: 'integer', jsonPath: '.spec.virtualMachineID', description: 'Proxmox VM ID' },
      { name: 'Node', type: 'string', jsonPath: '.status.proxmoxNode', description: 'Proxmox node the VM is on' },
      { name: 'ProviderID', type: 'string', jsonPath: '.spec.providerID' },
      { name: 'Ready', type: 'string', jsonPath: '.status.ready', description: 'The VM exists and runs' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
  ProxmoxMachineResource,
);
