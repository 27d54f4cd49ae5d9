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
} as const;

export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Failure types a retry policy must not retry: only a changed spec or an operator helps. */
export const nonRetryableErrorTypes: readonly ErrorType[] = [
  ErrorType.ProxmoxInvalidRequest,
  ErrorType.ProxmoxPermissionDenied,
  ErrorType.ProxmoxTemplateNotFound,
  ErrorType.ProxmoxVmNotOwned,
  ErrorType.InvalidIpPool,
  ErrorType.IpAddressConflict,
  ErrorType.InvalidConfigPatch,
  ErrorType.InvalidMachineConfig,
  ErrorType.InvalidMachineConfigInput,
  ErrorType.InvalidSecretsBundle,
];
