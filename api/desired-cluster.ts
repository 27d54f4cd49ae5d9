import { z } from 'zod';
import { EtcdBackupPolicy } from './etcd-snapshots.ts';
import { HealthCheck } from './health-check.ts';
import { Ipv4PoolSpec } from './ipam.ts';
import { JsonPatchOperation } from './talos/machine-config-input.ts';
import { VmIdRange } from './proxmox.ts';
import { Version, VersionCatalog } from './versions.ts';
import { percentOf } from './int-or-percent.ts';

/** An absolute count or a percentage (`25%`), as in Kubernetes Deployments. */
export const IntOrPercent = z.union([z.number().int().min(0), z.string().regex(/^\d+%$/, 'must be a count or a percentage like 25%')]);
export type IntOrPercent = z.infer<typeof IntOrPercent>;

/** The VM every machine of a group gets. */
export const MachineShape = z.object({
  cores: z.number().int().min(1),
  sockets: z.number().int().min(1).default(1),
  memoryMiB: z.number().int().min(1024),
  diskGiB: z.number().int().min(10),
  templateVmid: z.number().int().min(100),
  storage: z.string().optional(),
  bridge: z.string().default('vmbr0'),
  vlan: z.number().int().min(1).max(4094).optional(),
  installDisk: z.string().default('/dev/sda'),
});
export type MachineShape = z.infer<typeof MachineShape>;

/** How machines are changed: replaced (new VM before the old goes) or upgraded in place. */
export const RolloutStrategy = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('RollingUpdate'),
    maxSurge: IntOrPercent.default(1),
    maxUnavailable: IntOrPercent.refine((v) => (percentOf(v) ?? 0) <= 100, 'must be at most 100%').default(0),
  }),
  z.object({ type: z.literal('InPlace') }),
]);
export type RolloutStrategy = z.infer<typeof RolloutStrategy>;

/** Which machines go first when a MachineDeployment shrinks (unhealthy ones always lead). */
export const DeletePolicy = z.enum(['Random', 'Newest', 'Oldest']);
export type DeletePolicy = z.infer<typeof DeletePolicy>;

/**
 * Talos config patches of one group of machines, applied after the cluster-wide `talos` ones. CAPI
 * keeps them apart: TalosControlPlane's for control planes, each TalosConfigTemplate's for its
 * MachineDeployment's workers.
 */
export const TalosPatches = z.object({
  strategicPatches: z.array(z.string()).default([]),
  configPatches: z.array(JsonPatchOperation).default([]),
});
export type TalosPatches = z.infer<typeof TalosPatches>;

/**
 * The objects a group of machines was mapped from, so a refusal found later (a template VM that is
 * gone, a patch that does not apply) names what to fix. Not part of the machine shape: renaming a
 * template alone rolls nothing out.
 */
export const GroupSources = z.object({
  /** The ProxmoxMachineTemplate's name. */
  template: z.string().min(1),
  /** The TalosControlPlane's or TalosConfigTemplate's name. */
  config: z.string().min(1),
});
export type GroupSources = z.infer<typeof GroupSources>;

/** What a drain still held after its timeout does: the step blocks (default), or the machine goes on without it (CAPI). */
export const DrainTimeoutAction = z.enum(['Block', 'Proceed']);
export type DrainTimeoutAction = z.infer<typeof DrainTimeoutAction>;

/** The control plane: an odd number of etcd members, changed one machine at a time. */
export const DesiredControlPlane = z.object({
  replicas: z
    .number()
    .int()
    .min(1)
    .max(7)
    .refine((n) => n % 2 === 1, 'must be odd (1, 3, 5 or 7) to keep an etcd quorum'),
  machine: MachineShape,
  strategy: RolloutStrategy.default({ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }),
  /** How long draining a node may wait on PodDisruptionBudgets before its step blocks (CAPI `nodeDrainTimeout`). */
  nodeDrainTimeoutSeconds: z.number().int().min(1).default(600),
  /** Absent: Block. */
  drainTimeoutAction: DrainTimeoutAction.optional(),
  /** Patches for control-plane machines only (TalosControlPlane `controlPlaneConfig.controlplane`). */
  talos: TalosPatches.optional(),
  sources: GroupSources.optional(),
});
export type DesiredControlPlane = z.infer<typeof DesiredControlPlane>;

/** A group of identical workers, as a CAPI MachineDeployment. */
export const DesiredMachineDeployment = z.object({
  name: z
    .string()
    .max(63, 'must be at most 63 characters: it is the value of the cluster.x-k8s.io/deployment-name label')
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label'),
  replicas: z.number().int().min(0),
  machine: MachineShape,
  /** Kubernetes version of this group's kubelets; the cluster's when absent. */
  kubernetesVersion: Version.optional(),
  strategy: RolloutStrategy.default({ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }),
  deletePolicy: DeletePolicy.default('Random'),
  /** How long draining a node may wait on PodDisruptionBudgets before its step blocks (CAPI `nodeDrainTimeout`). */
  nodeDrainTimeoutSeconds: z.number().int().min(1).default(600),
  /** Absent: Block. */
  drainTimeoutAction: DrainTimeoutAction.optional(),
  /** Patches for this group's workers only (its TalosConfigTemplate). */
  talos: TalosPatches.optional(),
  sources: GroupSources.optional(),
});
export type DesiredMachineDeployment = z.infer<typeof DesiredMachineDeployment>;

/**
 * The normalized desired state of one cluster: the only input the lifecycle workflows accept.
 * The controller maps the CAPI-style objects onto it; secrets appear only as references.
 */
export const DesiredCluster = z.object({
  namespace: z.string().min(1),
  name: z
    .string()
    .max(63, 'must be at most 63 characters: it is the value of the cluster.x-k8s.io/cluster-name label')
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label'),
  /** metadata.generation of the Cluster object this was mapped from. */
  generation: z.number().int().min(0),
  kubernetesVersion: Version,
  talosVersion: Version,
  controlPlane: DesiredControlPlane,
  machineDeployments: z.array(DesiredMachineDeployment).default([]),
  proxmox: z.object({
    allowedNodes: z.array(z.string().min(1)).min(1),
    vmIdRange: VmIdRange.optional(),
    /**
     * The Secret with this cluster's Proxmox API token (CAPMOX's keys, see proxmox-credentials.ts);
     * in the cluster's namespace unless named. Absent: the worker's own PROXMOX_* settings.
     */
    credentialsRef: z.object({ name: z.string().min(1), namespace: z.string().min(1).optional() }).optional(),
    /** The ProxmoxCluster's name, for messages. */
    source: z.string().min(1).optional(),
  }),
  network: z.object({
    /** The ProxmoxCluster whose `ipv4Config` this is; names the IP pool. */
    poolName: z.string().min(1),
    ipv4Pool: Ipv4PoolSpec,
    /** The control-plane endpoint; reserved from the pool when absent. */
    controlPlaneEndpoint: z
      .object({
        host: z.ipv4(),
        port: z.number().int().default(6443),
        /** The user's own load balancer answers at it (`capstan.dev/control-plane-endpoint`); otherwise the control planes share it as a Talos VIP. */
        externalLoadBalancer: z.boolean().optional(),
      })
      .optional(),
    podSubnets: z.array(z.string()).default(['10.244.0.0/16']),
    serviceSubnets: z.array(z.string()).default(['10.96.0.0/12']),
  }),
  talos: z
    .object({
      /** Talos strategic merge patches (YAML text each), as TalosConfigTemplate `strategicPatches`. */
      strategicPatches: z.array(z.string()).default([]),
      /** RFC 6902 operations, as TalosConfigTemplate `configPatches` ({op, path, value}). */
      configPatches: z.array(JsonPatchOperation).default([]),
      /** Image Factory schematic, for installer images with extensions. */
      schematicId: z.string().optional(),
    })
    .default({ strategicPatches: [], configPatches: [] }),
  versionCatalog: VersionCatalog,
  paused: z.boolean().default(false),
  /** The cluster's MachineHealthChecks: which machines are remediated, and when remediation stops. */
  healthChecks: z.array(HealthCheck).default([]),
  /** How often the cluster workflow observes the infrastructure when nothing else happens (Cluster annotation `capstan.dev/observe-interval`). */
  observeIntervalSeconds: z.number().int().min(5).default(60),
  /** Scheduled etcd snapshots, retention and where snapshots go (Cluster annotations `capstan.dev/etcd-backup-*`). */
  etcdBackup: EtcdBackupPolicy.default(EtcdBackupPolicy.parse({})),
  /** How long a VM with the cluster's owner marker and no Machine may stay before it is destroyed (Cluster annotation `capstan.dev/stray-vm-grace`). */
  strayVmGraceSeconds: z.number().int().min(0).default(600),
});
export type DesiredCluster = z.infer<typeof DesiredCluster>;
export type DesiredClusterInput = z.input<typeof DesiredCluster>;
