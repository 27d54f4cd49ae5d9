// The conditions Capstan writes on Machines, apart from the CRD so plans and workflows import them
// without the schema.

/** The condition types written on Machines: CAPI v1beta2's names. */
export const MachineConditionType = {
  InfrastructureReady: 'InfrastructureReady',
  BootstrapConfigReady: 'BootstrapConfigReady',
  NodeReady: 'NodeReady',
  NodeHealthy: 'NodeHealthy',
  /** Control planes only. */
  EtcdMemberHealthy: 'EtcdMemberHealthy',
  Ready: 'Ready',
  /** Written by the health checks (MachineHealthCheck), not by the observer. */
  HealthCheckSucceeded: 'HealthCheckSucceeded',
  OwnerRemediated: 'OwnerRemediated',
} as const;
export type MachineConditionType = (typeof MachineConditionType)[keyof typeof MachineConditionType];

/** CamelCase reasons of the Machine conditions (CAPI v1beta2's where CAPI has one). */
export const MachineConditionReason = {
  Ready: 'Ready',
  NotReady: 'NotReady',
  ReadyUnknown: 'ReadyUnknown',
  Deleting: 'Deleting',
  /** No VM yet, and none was ever recorded: the clone has not happened. */
  Provisioning: 'Provisioning',
  /** The VM was recorded (providerID) and is gone: deleted behind Capstan's back. */
  VMNotFound: 'VMNotFound',
  /** The VM exists but does not run. */
  VMStopped: 'VMStopped',
  DataSecretProvided: 'DataSecretProvided',
  WaitingForBootstrapData: 'WaitingForBootstrapData',
  NodeReady: 'NodeReady',
  NodeNotReady: 'NodeNotReady',
  NodeReadyUnknown: 'NodeReadyUnknown',
  NodeHealthy: 'NodeHealthy',
  NodeNotHealthy: 'NodeNotHealthy',
  /** The workload cluster has no Node of the machine's name (and never had, as far as Capstan saw). */
  NodeNotFound: 'NodeNotFound',
  /** The machine had a Node (status.nodeRef) and it is gone. */
  NodeDeleted: 'NodeDeleted',
  /** The workload cluster's API did not answer: nothing is known about the Node. */
  ConnectionDown: 'ConnectionDown',
  Healthy: 'Healthy',
  NotHealthy: 'NotHealthy',
  NotAMember: 'NotAMember',
  Learner: 'Learner',
  /** No control plane answered the etcd member list. */
  InspectionFailed: 'InspectionFailed',
  // Health checks (CAPI's MachineHealthCheck reasons).
  HealthCheckSucceeded: 'HealthCheckSucceeded',
  WaitingForRemediation: 'WaitingForRemediation',
} as const;
export type MachineConditionReason = (typeof MachineConditionReason)[keyof typeof MachineConditionReason];
