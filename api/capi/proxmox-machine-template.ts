import { z } from 'zod';
import { withAliasVersion } from '../crd/alias-version.ts';
import { defineCrd } from '../crd/define-crd.ts';
import { capiCategory, infrastructureGroup, infrastructureVersion } from './groups.ts';
import { ObjectEnvelope, TemplateMeta } from './meta.ts';

const TypedLocalRef = z.object({ apiGroup: z.string().optional(), kind: z.string(), name: z.string() });

/** The VM's first NIC (`net0`). */
export const NetworkDevice = z.object({
  bridge: z.string().min(1),
  model: z.enum(['e1000', 'virtio', 'rtl8139', 'vmxnet3']).optional(),
  mtu: z.number().int().min(1).max(65520).optional(),
  vlan: z.number().int().min(1).max(4094).optional(),
  dnsServers: z.array(z.string()).optional(),
  ipv4PoolRef: TypedLocalRef.optional(),
  ipv6PoolRef: TypedLocalRef.optional(),
});

/**
 * CAPMOX's ProxmoxMachineSpec as a template carries it: the VM a machine gets, cloned from a
 * Talos template VM. Fields Capstan cannot honour are accepted and reported by the mapping.
 */
export const ProxmoxMachineSpec = z.object({
  sourceNode: z.string().min(1).optional(),
  /** VMID of the Talos template VM. */
  templateID: z.number().int().min(100).optional(),
  templateSelector: z.object({ matchTags: z.array(z.string()).min(1) }).optional(),
  description: z.string().optional(),
  format: z.enum(['raw', 'qcow2', 'vmdk']).optional(),
  /** Full clone (the default); Capstan always makes full clones. */
  full: z.boolean().optional(),
  pool: z.string().optional(),
  snapName: z.string().optional(),
  /** Target storage of the full clone. */
  storage: z.string().optional(),
  target: z.string().optional(),
  providerID: z.string().optional(),
  virtualMachineID: z.number().int().optional(),
  numSockets: z.number().int().min(1).optional(),
  numCores: z.number().int().min(1).optional(),
  /** Talos needs at least 1 GiB; CAPMOX wants a multiple of 8. */
  memoryMiB: z
    .number()
    .int()
    .min(1024, 'must be at least 1024 MiB: Talos does not boot with less')
    .multipleOf(8, 'must be a multiple of 8')
    .optional(),
  disks: z
    .object({
      bootVolume: z
        .object({
          disk: z.string().min(1),
          sizeGb: z.number().int().min(10, 'must be at least 10 GB: Talos needs room for its install and the images'),
        })
        .optional(),
      additionalVolumes: z.array(z.looseObject({})).optional(),
    })
    .optional(),
  network: z
    .object({
      default: NetworkDevice.optional(),
      additionalDevices: z.array(z.looseObject({ name: z.string() })).optional(),
      vrfs: z.array(z.looseObject({ name: z.string() })).optional(),
    })
    .optional(),
  vmIDRange: z.object({ start: z.number().int().min(100).max(999_999_999), end: z.number().int().min(100).max(999_999_999) }).optional(),
  /** Talos has neither cloud-init nor (without an extension) the guest agent; Capstan never waits for them. */
  checks: z.object({ skipCloudInitStatus: z.boolean().optional(), skipQemuGuestAgent: z.boolean().optional() }).optional(),
  metadataSettings: z.object({ providerIDInjection: z.boolean().optional() }).optional(),
  allowedNodes: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string()).optional(),
});
export type ProxmoxMachineSpec = z.infer<typeof ProxmoxMachineSpec>;

/** `infrastructure.cluster.x-k8s.io/v1alpha1` ProxmoxMachineTemplate spec. */
export const ProxmoxMachineTemplateSpec = z.object({
  template: z.object({ metadata: TemplateMeta.optional(), spec: ProxmoxMachineSpec }),
});
export type ProxmoxMachineTemplateSpec = z.infer<typeof ProxmoxMachineTemplateSpec>;

/** The object as the API server stores it (templates have no status). */
export const ProxmoxMachineTemplateResource = z.object({ spec: ProxmoxMachineTemplateSpec });

/** A ProxmoxMachineTemplate as read from the API server or a manifest. */
export const ProxmoxMachineTemplate = ProxmoxMachineTemplateResource.extend(ObjectEnvelope);
export type ProxmoxMachineTemplate = z.infer<typeof ProxmoxMachineTemplate>;

/** The ProxmoxMachineTemplate CRD; `-o wide` shows the VM size at a glance. */
export const proxmoxMachineTemplateCrd = withAliasVersion(
  defineCrd(
    {
      group: infrastructureGroup,
      version: infrastructureVersion,
      kind: 'ProxmoxMachineTemplate',
      plural: 'proxmoxmachinetemplates',
      singular: 'proxmoxmachinetemplate',
      categories: [capiCategory],
      printerColumns: [
        { name: 'Template', type: 'integer', jsonPath: '.spec.template.spec.templateID' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        { name: 'Cores', type: 'integer', jsonPath: '.spec.template.spec.numCores', priority: 1 },
        { name: 'Memory', type: 'integer', jsonPath: '.spec.template.spec.memoryMiB', priority: 1 },
        { name: 'Disk', type: 'integer', jsonPath: '.spec.template.spec.disks.bootVolume.sizeGb', priority: 1 },
      ],
    },
    ProxmoxMachineTemplateResource,
  ),
  'v1beta1',
  'infrastructure.cluster.x-k8s.io/v1beta1 ProxmoxMachineTemplate is read as v1alpha1, the version of the Proxmox provider (CAPMOX): write apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1',
);
