/** An Event the controller records on an object: Normal news or a Warning an operator should read. */
export interface EventSpec {
  readonly type: 'Normal' | 'Warning';
  /** CamelCase, as `kubectl describe` lists it. */
  readonly reason: string;
  readonly message: string;
}

/** The reasons of the Events the controller records. */
export const EventReason = {
  OperationStarted: 'OperationStarted',
  OperationSucceeded: 'OperationSucceeded',
  OperationFailed: 'OperationFailed',
  OperationAborted: 'OperationAborted',
  OperationBlocked: 'OperationBlocked',
  OperationResumed: 'OperationResumed',
  OperationHeld: 'OperationHeld',
  InvalidSpec: 'InvalidSpec',
  ReferenceNotFound: 'ReferenceNotFound',
  UnsupportedField: 'UnsupportedField',
  ClusterWorkflowStarted: 'ClusterWorkflowStarted',
  DesiredStateSent: 'DesiredStateSent',
  DeleteRequested: 'DeleteRequested',
  ClusterDeleted: 'ClusterDeleted',
  /** A deleted Cluster's objects are held by finalizers of others; the Cluster waits for them. */
  WaitingForDescendants: 'WaitingForDescendants',
  WorkflowEnded: 'WorkflowEnded',
  /** A Talos or Kubernetes CA has less than a year left. */
  CertificateAuthorityExpiring: 'CertificateAuthorityExpiring',
  /** A renewal check of the talosconfig and admin kubeconfig failed. */
  CertificateRenewalFailed: 'CertificateRenewalFailed',
} as const;
