/**
 * Typed failure kinds shared by activities (which throw them) and workflows (which branch on
 * `failure.type` and list the non-retryable ones in their retry policies).
 */
export const ErrorType = {
  /** Proxmox did not answer, answered 5xx, or timed out: try again. */
  ProxmoxUnavailable: 'ProxmoxUnavailable',
  /** A VM or storage lock is held by another operation (clone, backup, migrate): try again. */
  ProxmoxLocked: 'ProxmoxLocked',
  /** A Proxmox task ended in error; retried because most causes (lock timeouts) pass. */
  ProxmoxTaskFailed: 'ProxmoxTaskFailed',
  /** Proxmox refused the request's parameters (400): retrying cannot help. */
  ProxmoxInvalidRequest: 'ProxmoxInvalidRequest',
  /** The API token is wrong or lacks a privilege (401/403): an operator must fix it. */
  ProxmoxPermissionDenied: 'ProxmoxPermissionDenied',
  /** Proxmox's TLS certificate is not trusted (unknown CA, wrong host, expired): an operator must give the CA. */
  ProxmoxTlsUntrusted: 'ProxmoxTlsUntrusted',
  /**
   * A ProxmoxCluster's credentials Secret is missing, lacks a key or holds a malformed value, or the
   * worker has no Proxmox settings for a cluster without one: an operator must fix the Secret.
   */
  ProxmoxCredentialsInvalid: 'ProxmoxCredentialsInvalid',
  /** The configured template VM does not exist or is not a template. */
  ProxmoxTemplateNotFound: 'ProxmoxTemplateNotFound',
  /** No allowed node has enough free memory: clears when capacity is freed. */
  ProxmoxNoCapacity: 'ProxmoxNoCapacity',
  /** The target storage is full: clears when space is freed. */
  ProxmoxStorageFull: 'ProxmoxStorageFull',
  /** A VM at the expected VMID belongs to something else: never touched, needs an operator. */
  ProxmoxVmNotOwned: 'ProxmoxVmNotOwned',
  /** The guest has not reported its address yet: keep waiting. */
  ProxmoxGuestNotReady: 'ProxmoxGuestNotReady',
  /** Every address of the pool is in use: clears itself when an address is released. */
  IpPoolExhausted: 'IpPoolExhausted',
  /** The pool definition is malformed (bad range, prefix, gateway outside the subnet). */
  InvalidIpPool: 'InvalidIpPool',
  /** A fixed address (e.g. the control-plane endpoint) is already held by another owner. */
  IpAddressConflict: 'IpAddressConflict',
  /** A user patch (strategicPatches or configPatches) does not parse or does not apply. */
  InvalidConfigPatch: 'InvalidConfigPatch',
  /** The rendered (and patched) Talos machine config fails validation. */
  InvalidMachineConfig: 'InvalidMachineConfig',
  /** The machine-config input (cluster name, endpoint, versions, network) is malformed. */
  InvalidMachineConfigInput: 'InvalidMachineConfigInput',
  /** A stored Talos secrets bundle does not parse or misses a part: an operator must repair it. */
  InvalidSecretsBundle: 'InvalidSecretsBundle',
  /** The Talos API did not answer, timed out, or was busy (Unavailable, DeadlineExceeded, ...): try again. */
  TalosUnavailable: 'TalosUnavailable',
  /** The node is not ready for the call yet (FailedPrecondition, e.g. "bootstrap is not available yet"). */
  TalosNotReady: 'TalosNotReady',
  /** Talos refused the machine config or request (InvalidArgument): retrying the same input fails again. */
  TalosInvalidConfig: 'TalosInvalidConfig',
  /** The client certificate is not accepted or lacks the role (PermissionDenied, Unauthenticated). */
  TalosPermissionDenied: 'TalosPermissionDenied',
  /** The node does not offer the call (Unimplemented: wrong node type, maintenance mode, Talos version). */
  TalosUnsupported: 'TalosUnsupported',
  /** Talos refused the call for a reason no other type covers (NotFound, AlreadyExists, ...). */
  TalosCallFailed: 'TalosCallFailed',
  /** The Talos installer reported a non-zero exit code during an upgrade. */
  TalosUpgradeFailed: 'TalosUpgradeFailed',
  /** A stored talosconfig does not parse or misses its context, CA or client certificate. */
  InvalidTalosconfig: 'InvalidTalosconfig',
  /** A referenced Secret (talosconfig, kubeconfig, machine config) or its key does not exist. */
  SecretNotFound: 'SecretNotFound',
  /** A Kubernetes API did not answer, timed out or answered 409/429/5xx: try again. */
  KubernetesUnavailable: 'KubernetesUnavailable',
  /** A Kubernetes API refused the credentials or the request's permissions (401/403). */
  KubernetesPermissionDenied: 'KubernetesPermissionDenied',
  /** A Kubernetes API refused the request as malformed (400/422): retrying cannot help. */
  KubernetesInvalidRequest: 'KubernetesInvalidRequest',
  /** The Node did not become Ready within the wait's timeout. */
  NodeNotReady: 'NodeNotReady',
  /** A drain timed out while PodDisruptionBudgets refused evictions; names the budgets and pods. */
  DrainBlockedByPdb: 'DrainBlockedByPdb',
  /** A drain timed out while evicted pods were still terminating; names the pods. */
  DrainIncomplete: 'DrainIncomplete',
  /** The desired cluster does not validate or cannot be built (versions, skew): fix the spec. */
  InvalidDesiredCluster: 'InvalidDesiredCluster',
  /** An operator aborted the run (or a run it waited for); the message is their reason. */
  OperationAborted: 'OperationAborted',
  /**
   * Observed just before an etcd membership change: it would lose quorum now (a member went
   * unhealthy since the plan was made). Clears by itself when the member recovers; checked again.
   */
  EtcdQuorumAtRisk: 'EtcdQuorumAtRisk',
  /**
   * An operation met a cluster its plan does not fit (machines it waits for that nobody builds: a
   * run reset or terminated left them). It ends; the cluster workflow observes and plans again.
   */
  PlanOutdated: 'PlanOutdated',
  /**
   * An etcd snapshot fails its check: no sha256 trailer, a trailer that does not match, or a
   * database that does not read. Another copy of the same bytes fails again: take or pick another.
   */
  EtcdSnapshotInvalid: 'EtcdSnapshotInvalid',
  /**
   * A cluster's etcd snapshot store Secret is missing, lacks a key or holds a malformed value, or
   * no credentials were found for it: an operator must fix the Secret.
   */
  SnapshotStoreInvalid: 'SnapshotStoreInvalid',
  /** The object store refused the credentials or the request's permissions (403, unknown key, bad signature). */
  SnapshotStoreAccessDenied: 'SnapshotStoreAccessDenied',
  /** The snapshot store's bucket does not exist: an operator must create it or correct the Secret. */
  SnapshotStoreBucketNotFound: 'SnapshotStoreBucketNotFound',
  /** The object store's TLS certificate is not trusted: an operator must give its CA. */
  SnapshotStoreTlsUntrusted: 'SnapshotStoreTlsUntrusted',
  /** The object store refused the request for a reason no other type covers (another 4xx): retrying sends it again. */
  SnapshotStoreRequestRefused: 'SnapshotStoreRequestRefused',
  /** The object store did not answer, timed out or answered 5xx/429: try again. */
  SnapshotStoreUnavailable: 'SnapshotStoreUnavailable',
  /** No snapshot with that id in the cluster's store (removed by retention, or never taken). */
  EtcdSnapshotNotFound: 'EtcdSnapshotNotFound',
  /**
   * Talos could not restore etcd from the uploaded snapshot: its etcd service failed, with Talos'
   * message (a hash that does not match, no upload, not a database). Bootstrapping again fails
   * the same way: upload again, or pick another snapshot.
   */
  EtcdRecoveryFailed: 'EtcdRecoveryFailed',
} as const;

export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Failure types a retry policy must not retry: only a changed spec or an operator helps. */
export const nonRetryableErrorTypes: readonly ErrorType[] = [
  ErrorType.InvalidDesiredCluster,
  ErrorType.PlanOutdated,
  ErrorType.OperationAborted,
  ErrorType.ProxmoxInvalidRequest,
  ErrorType.ProxmoxPermissionDenied,
  ErrorType.ProxmoxTlsUntrusted,
  ErrorType.ProxmoxCredentialsInvalid,
  ErrorType.ProxmoxTemplateNotFound,
  ErrorType.ProxmoxVmNotOwned,
  ErrorType.InvalidIpPool,
  ErrorType.IpAddressConflict,
  ErrorType.InvalidConfigPatch,
  ErrorType.InvalidMachineConfig,
  ErrorType.InvalidMachineConfigInput,
  ErrorType.InvalidSecretsBundle,
  ErrorType.TalosInvalidConfig,
  ErrorType.TalosPermissionDenied,
  ErrorType.TalosUnsupported,
  ErrorType.TalosUpgradeFailed,
  ErrorType.InvalidTalosconfig,
  ErrorType.SecretNotFound,
  ErrorType.KubernetesPermissionDenied,
  ErrorType.KubernetesInvalidRequest,
  // The drain itself waited its whole nodeDrainTimeout: another attempt would only wait it again.
  ErrorType.DrainBlockedByPdb,
  ErrorType.DrainIncomplete,
  ErrorType.EtcdSnapshotInvalid,
  ErrorType.SnapshotStoreInvalid,
  ErrorType.SnapshotStoreAccessDenied,
  ErrorType.SnapshotStoreBucketNotFound,
  ErrorType.SnapshotStoreTlsUntrusted,
  ErrorType.SnapshotStoreRequestRefused,
  ErrorType.EtcdSnapshotNotFound,
  ErrorType.EtcdRecoveryFailed,
];

/**
 * Failures that clear by themselves once something else frees capacity: an operation blocked on
 * one of these shows why, and tries the step again on its own every little while.
 */
export const selfClearingErrorTypes: readonly ErrorType[] = [
  ErrorType.EtcdQuorumAtRisk,
  ErrorType.IpPoolExhausted,
  ErrorType.ProxmoxNoCapacity,
  ErrorType.ProxmoxStorageFull,
];
