// The flags of `capstan generate cluster` in one table: the program registers them from it, the
// command falls back from each to its clusterctl variable, and errors name both. Kept free of
// heavy imports: program.ts loads it for --help.

/**
 * One flag: its long name, the clusterctl variable that supplies it when absent (CAPI's own for
 * versions and counts, CAPMOX's for Proxmox), its built-in default and whether a value is required.
 */
export interface ClusterFlag {
  /** camelCase key, as commander names the option. */
  readonly key: string;
  readonly flag: string;
  readonly placeholder: string;
  readonly description: string;
  readonly variable?: string;
  /** Used when neither the flag nor the variable is set. */
  readonly fallback?: string;
  /** Neither a flag, a variable nor a fallback: the command refuses to guess. */
  readonly required?: boolean;
}

const flag = (entry: ClusterFlag): ClusterFlag => entry;

/** Every value flag of `capstan generate cluster`, in the order --help lists them. */
export const clusterFlags = [
  flag({
    key: 'kubernetesVersion',
    flag: '--kubernetes-version',
    placeholder: '<version>',
    description: "Kubernetes version (default: the newest in Capstan's version catalog that the Talos version runs)",
    variable: 'KUBERNETES_VERSION',
  }),
  flag({
    key: 'talosVersion',
    flag: '--talos-version',
    placeholder: '<version>',
    description: "Talos version (default: the newest in Capstan's version catalog that runs the Kubernetes version)",
    variable: 'TALOS_VERSION',
  }),
  flag({
    key: 'controlPlaneMachineCount',
    flag: '--control-plane-machine-count',
    placeholder: '<count>',
    description: 'control-plane machines: 1, 3, 5 or 7 (etcd needs an odd count)',
    variable: 'CONTROL_PLANE_MACHINE_COUNT',
    fallback: '1',
  }),
  flag({
    key: 'workerMachineCount',
    flag: '--worker-machine-count',
    placeholder: '<count>',
    description: 'worker machines, in one MachineDeployment',
    variable: 'WORKER_MACHINE_COUNT',
    fallback: '0',
  }),
  flag({
    key: 'sourceNode',
    flag: '--source-node',
    placeholder: '<node>',
    description: 'the Proxmox VE node holding the Talos template VM',
    variable: 'PROXMOX_SOURCENODE',
    required: true,
  }),
  flag({
    key: 'templateVmid',
    flag: '--template-vmid',
    placeholder: '<vmid>',
    description: 'VMID of the Talos template VM every machine is cloned from',
    variable: 'TEMPLATE_VMID',
    required: true,
  }),
  flag({
    key: 'allowedNodes',
    flag: '--allowed-nodes',
    placeholder: '<nodes>',
    description: 'Proxmox VE nodes VMs may run on, comma-separated (default: the source node)',
    variable: 'ALLOWED_NODES',
  }),
  flag({
    key: 'controlPlaneEndpointIp',
    flag: '--control-plane-endpoint-ip',
    placeholder: '<ipv4>',
    description:
      "the Kubernetes API address, outside --node-ip-ranges: a free address of the nodes' subnet, which the control planes share as a Talos VIP (or, with --external-load-balancer, your load balancer's)",
    variable: 'CONTROL_PLANE_ENDPOINT_IP',
    required: true,
  }),
  flag({
    key: 'controlPlaneEndpointPort',
    flag: '--control-plane-endpoint-port',
    placeholder: '<port>',
    description: "the Kubernetes API port: kube-apiserver's 6443 with a Talos VIP, any with --external-load-balancer",
    variable: 'CONTROL_PLANE_ENDPOINT_PORT',
    fallback: '6443',
  }),
  flag({
    key: 'nodeIpRanges',
    flag: '--node-ip-ranges',
    placeholder: '<ranges>',
    description: "the machines' addresses, comma-separated ranges (10.0.0.10-10.0.0.50), CIDRs or addresses",
    variable: 'NODE_IP_RANGES',
    required: true,
  }),
  flag({
    key: 'gateway',
    flag: '--gateway',
    placeholder: '<ipv4>',
    description: "the machines' default gateway",
    variable: 'GATEWAY',
    required: true,
  }),
  flag({
    key: 'ipPrefix',
    flag: '--ip-prefix',
    placeholder: '<bits>',
    description: "prefix length of the machines' subnet, e.g. 24",
    variable: 'IP_PREFIX',
    required: true,
  }),
  flag({
    key: 'dnsServers',
    flag: '--dns-servers',
    placeholder: '<ipv4s>',
    description: 'DNS servers of the machines, comma-separated',
    variable: 'DNS_SERVERS',
    required: true,
  }),
  flag({
    key: 'bridge',
    flag: '--bridge',
    placeholder: '<bridge>',
    description: "the Proxmox VE bridge of the VMs' network card",
    variable: 'BRIDGE',
    fallback: 'vmbr0',
  }),
  flag({
    key: 'bootVolumeDevice',
    flag: '--boot-volume-device',
    placeholder: '<disk>',
    description: "the template's boot disk, resized for each VM (Capstan resizes scsi0)",
    variable: 'BOOT_VOLUME_DEVICE',
    fallback: 'scsi0',
  }),
  flag({
    key: 'bootVolumeSize',
    flag: '--boot-volume-size',
    placeholder: '<GB>',
    description: 'boot disk size in GB, at least 10',
    variable: 'BOOT_VOLUME_SIZE',
    fallback: '20',
  }),
  flag({
    key: 'numSockets',
    flag: '--num-sockets',
    placeholder: '<count>',
    description: 'CPU sockets per VM',
    variable: 'NUM_SOCKETS',
    fallback: '1',
  }),
  flag({
    key: 'numCores',
    flag: '--num-cores',
    placeholder: '<count>',
    description: 'CPU cores per socket',
    variable: 'NUM_CORES',
    fallback: '2',
  }),
  flag({
    key: 'memoryMib',
    flag: '--memory-mib',
    placeholder: '<MiB>',
    description: 'memory per VM in MiB, at least 1024 and a multiple of 8',
    variable: 'MEMORY_MIB',
    fallback: '4096',
  }),
  flag({
    key: 'nodeDrainTimeout',
    flag: '--node-drain-timeout',
    placeholder: '<duration>',
    description: "how long a worker's drain may wait on PodDisruptionBudgets, e.g. 2m (default: Capstan's 10m)",
  }),
] as const;

/** The flavors `--flavor` offers; flavors.ts holds a renderer for each. */
export const flavorNames = ['plain', 'topology'] as const;
export type FlavorName = (typeof flavorNames)[number];

/** The raw value of each flag, from the command line or the environment, before validation. */
export type RawClusterValues = Partial<Record<(typeof clusterFlags)[number]['key'], string>>;

/** The flag of an option key, for error messages. */
export function flagOf(key: string): ClusterFlag | undefined {
  return clusterFlags.find((f) => f.key === key);
}
