import { z } from 'zod';

/** CAPI v1beta1's Condition: status written the way `clusterctl describe` and CAPI users read it. */
export const Condition = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  /** Only for a False condition: how bad it is. */
  severity: z.enum(['Error', 'Warning', 'Info', '']).optional(),
  lastTransitionTime: z.iso.datetime({ offset: true }),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type Condition = z.infer<typeof Condition>;

/** A condition list, merged by `type` under server-side apply. */
export const Conditions = z.array(Condition).meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

/** Condition types Capstan writes: CAPI's positive names, plus Blocked for an operation waiting on an operator. */
export const ConditionType = {
  Ready: 'Ready',
  InfrastructureReady: 'InfrastructureReady',
  ControlPlaneInitialized: 'ControlPlaneInitialized',
  ControlPlaneAvailable: 'ControlPlaneAvailable',
  /** Every MachineDeployment has enough available machines (CAPI v1beta2's name). */
  WorkersAvailable: 'WorkersAvailable',
  RollingOut: 'RollingOut',
  Deleting: 'Deleting',
  Paused: 'Paused',
  Blocked: 'Blocked',
  /** The cluster's CAs are far from their end and its admin client certificates are being renewed. */
  CertificatesValid: 'CertificatesValid',
  /** etcd has a good snapshot, stored off the worker where a store is set, younger than twice the backup interval. */
  EtcdBackedUp: 'EtcdBackedUp',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** CamelCase reasons shared by every kind, so one vocabulary reads the same everywhere. */
export const ConditionReason = {
  /** The manifests cannot be mapped onto a cluster; the message names the field and the problem. */
  InvalidSpec: 'InvalidSpec',
  /** An object the cluster references does not exist (yet). */
  ReferenceNotFound: 'ReferenceNotFound',
  Provisioning: 'Provisioning',
  Upgrading: 'Upgrading',
  ScalingUp: 'ScalingUp',
  ScalingDown: 'ScalingDown',
  Deleting: 'Deleting',
  /** A step exhausted its retries; `capstan retry` or `abort` decides. */
  StepFailed: 'StepFailed',
  Paused: 'Paused',
  /** Machines are being replaced or upgraded in place (a rollout, not a version upgrade or a scale). */
  RollingOut: 'RollingOut',
  /** The cluster workflow refused or ended the last operation and waits for a new spec; the message says why. */
  Held: 'Held',
  /** The cluster workflow ended without deleting the cluster (terminated, failed): nothing acts on it. */
  WorkflowEnded: 'WorkflowEnded',
  /** The controller cannot reach Temporal, so it cannot tell or change what the cluster workflow does. */
  TemporalUnavailable: 'TemporalUnavailable',
  /** No control-plane machine answers yet, or too few for an etcd quorum. */
  WaitingForControlPlane: 'WaitingForControlPlane',
  /** Some machines are not Ready; the message names them. */
  WaitingForMachines: 'WaitingForMachines',
  /** A machine's Node has not joined or is not Ready. */
  NodeNotReady: 'NodeNotReady',
  /** The spec is valid and sent; the cluster workflow has not reported yet. */
  Pending: 'Pending',
  /** A Talos or Kubernetes CA has less than a year left: an operator must rotate it. */
  CertificateAuthorityExpiring: 'CertificateAuthorityExpiring',
  /** The last renewal check of the talosconfig and admin kubeconfig failed; it is tried again within the hour. */
  CertificateRenewalFailed: 'CertificateRenewalFailed',
  /** The newest etcd snapshot is young enough; the message gives its time, revision and store. */
  SnapshotRecent: 'SnapshotRecent',
  /** No etcd snapshot is stored yet. */
  NoSnapshot: 'NoSnapshot',
  /** The newest etcd snapshot is older than twice the backup interval. */
  SnapshotStale: 'SnapshotStale',
  /** The last scheduled etcd snapshot failed; it is tried again within 15 minutes. */
  BackupFailed: 'BackupFailed',
  /** Scheduled etcd snapshots are off (interval 0): only control-plane changes take one. */
  ScheduleOff: 'ScheduleOff',
  // The normal state of conditions that are True only while something happens (CAPI v1beta2's names).
  NotPaused: 'NotPaused',
  NotRollingOut: 'NotRollingOut',
  NotDeleting: 'NotDeleting',
  NotBlocked: 'NotBlocked',
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];
