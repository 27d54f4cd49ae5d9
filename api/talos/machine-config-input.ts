import { z } from 'zod';

/** The two machine roles Capstan renders configs for. */
export const TalosMachineType = z.enum(['controlplane', 'worker']);
/** `controlplane` or `worker`. */
export type TalosMachineType = z.infer<typeof TalosMachineType>;

const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a CIDR such as 10.0.0.5/24' });

/** Talos' `deviceSelector`: picks the NIC by hardware facts (Proxmox knows each VM's MAC). */
export const NetworkDeviceSelector = z
  .strictObject({
    busPath: z.string().min(1),
    hardwareAddr: z.string().min(1),
    permanentAddr: z.string().min(1),
    pciID: z.string().min(1),
    driver: z.string().min(1),
    physical: z.boolean(),
  })
  .partial()
  .refine((selector) => Object.keys(selector).length > 0, 'a deviceSelector needs at least one field');

/** A static address from IPAM on one interface, with its default route and resolvers. */
export const StaticNetwork = z
  .strictObject({
    interface: z.string().min(1).optional(),
    deviceSelector: NetworkDeviceSelector.optional(),
    addresses: z.array(cidr).min(1),
    gateway: ipAddress.optional(),
    nameservers: z.array(ipAddress).default([]),
    mtu: z.int().min(68).max(65535).optional(),
    /** Shared control-plane VIP announced by Talos itself (no external load balancer needed). */
    vip: ipAddress.optional(),
  })
  .refine((n) => (n.interface === undefined) !== (n.deviceSelector === undefined), {
    error: 'set exactly one of interface or deviceSelector',
  });

/** One RFC 6902 operation, as CAPI's TalosConfig `configPatches` holds them. */
export const JsonPatchOperation = z.looseObject({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string(),
  from: z.string().optional(),
  value: z.unknown().optional(),
});
/** One RFC 6902 operation. */
export type JsonPatchOperation = z.infer<typeof JsonPatchOperation>;

/** Everything that shapes one machine's config except the cluster's secrets (passed apart). */
export const MachineConfigInput = z.strictObject({
  machineType: TalosMachineType,
  clusterName: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits, -)'),
  /** `https://<vip-or-lb>:6443`. */
  controlPlaneEndpoint: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
  /** `1.33.4` or `v1.33.4`. */
  kubernetesVersion: z.string().regex(/^v?\d+\.\d+\.\d+$/, 'must be X.Y.Z or vX.Y.Z'),
  /** Full image reference, e.g. from `talosInstallerImage`. */
  installerImage: z.string().regex(/^[^\s:]+(:\d+)?\/[^\s]+:[^\s/]+$/, 'must be a tagged image reference'),
  installDisk: z.string().startsWith('/dev/').default('/dev/sda'),
  hostname: z.string().min(1).max(253).optional(),
  /**
   * The Node's `spec.providerID` (`proxmox://<smbios uuid>`), set through the kubelet's
   * `--provider-id` flag as Talos users on Proxmox do; absent until the VM exists.
   */
  providerID: z
    .string()
    .regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'must look like proxmox://<uuid>')
    .optional(),
  network: StaticNetwork.optional(),
  dnsDomain: z.string().min(1).default('cluster.local'),
  podSubnets: z.array(cidr).min(1).default(['10.244.0.0/16']),
  serviceSubnets: z.array(cidr).min(1).default(['10.96.0.0/12']),
  /** Extra SANs for both the node's apid certificate and the kube-apiserver certificate. */
  certSANs: z.array(z.string().min(1)).default([]),
  cni: z.strictObject({ name: z.enum(['flannel', 'custom', 'none']), urls: z.array(z.url()).default([]) }).optional(),
  allowSchedulingOnControlPlanes: z.boolean().optional(),
  /** Partial machine configs (YAML/JSON text or objects) merged the Talos way; works on Talos ≥ 1.12. */
  strategicPatches: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).default([]),
  /** RFC 6902 operations, or YAML/JSON text holding a list of them; single-document configs only. */
  configPatches: z.union([z.string(), z.array(z.unknown())]).default([]),
});

/** What callers pass to render a machine config (defaults not yet applied). */
export type MachineConfigInput = z.input<typeof MachineConfigInput>;
/** The input after validation, every default filled in. */
export type ResolvedMachineConfigInput = z.output<typeof MachineConfigInput>;
