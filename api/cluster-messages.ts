import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DesiredClusterInput } from './desired-cluster.ts';
import type { ObservedMachine } from './observed-cluster.ts';
import type { OperationProgress } from './operation-messages.ts';
import type { ClusterPlan } from './cluster-plan.ts';
import type { CredentialsCheck } from './credentials.ts';
import type { EtcdBackupCheck } from './etcd-snapshots.ts';

/** The cluster's desired state changed (signalWithStart from the controller; the latest wins). */
export const desiredClusterSignal = defineSignal<[desired: DesiredClusterInput]>('desiredCluster');

/** The cluster object is being deleted: delete everything, then end. */
export const deleteClusterSignal = defineSignal('deleteCluster');

/** A run under the cluster (an operation or one of its machine runs) reports where it stands. */
export interface RunProgress {
  readonly workflowId: string;
  /** The machine a machine run works on. */
  readonly machine?: string;
  readonly progress: OperationProgress;
}
export const runProgressSignal = defineSignal<[report: RunProgress]>('runProgress');

/** One machine as the progress query shows it: what is known, and what is being done to it. */
export interface MachineProgress extends Pick<ObservedMachine, 'name' | 'role' | 'phase' | 'ready' | 'kubernetesVersion' | 'talosVersion'> {
  readonly deployment?: string;
  readonly address?: string;
  /** The step a machine run is at, e.g. "clone VM (3/11)". */
  readonly activity?: string;
  /** Where its VM is, once it has one. */
  readonly vm?: { readonly node: string; readonly vmid: number };
  /** Built from the current machine shape and versions (false: a rollout or upgrade will replace or upgrade it). */
  readonly upToDate?: boolean;
  /** `proxmox://<smbios uuid>` once its VM exists. */
  readonly providerID?: string;
  /** Its conditions as the last observation found them (the same its Machine object carries). */
  readonly conditions?: readonly MachineConditionView[];
}

/** One machine condition (CAPI v1beta2 names: InfrastructureReady, BootstrapConfigReady, NodeReady, NodeHealthy, EtcdMemberHealthy, Ready, HealthCheckSucceeded). */
export interface MachineConditionView {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message?: string;
}

/** Whether a part of the cluster serves, and why not. */
export interface Availability {
  readonly available: boolean;
  /** CamelCase reason, e.g. `EtcdQuorumLost`, `NotEnoughReadyWorkers`. */
  readonly reason: string;
  readonly message: string;
}

/** One MachineHealthCheck as the last evaluation found it. */
export interface HealthCheckProgress {
  readonly name: string;
  readonly expectedMachines: number;
  readonly currentHealthy: number;
  readonly remediationAllowed: boolean;
  /** Why remediation is held back, when it is. */
  readonly message?: string;
  readonly unhealthy: readonly { readonly machine: string; readonly reason: string; readonly message: string }[];
}

/** A run that waits for an operator: send `retry` or `abort` to its workflow id. */
export interface BlockedRun {
  readonly workflowId: string;
  readonly step: string;
  readonly errorType: string;
  readonly message: string;
  readonly since: string;
}

/** The cluster workflow's `clusterProgress` answer. */
export interface ClusterProgress {
  readonly cluster: string;
  /**
   * Idle: nothing to do; Running / Blocked / Paused: an operation; Held: waiting for a new spec
   * after a refusal or abort; Released: handed to another management cluster (`capstan move`), the run ended.
   */
  readonly phase: 'Idle' | 'Running' | 'Blocked' | 'Paused' | 'Held' | 'Deleted' | 'Released';
  readonly generation?: number;
  readonly operation?: {
    readonly workflowId: string;
    readonly kind: string;
    readonly summary: string;
    readonly step: number;
    readonly steps: number;
    readonly currentStep: string;
    /** The MachineDeployment a scale or rollout works on. */
    readonly deployment?: string;
  };
  /** Why nothing runs while the phase is Held (a refused plan or an aborted operation). */
  readonly held?: string;
  readonly blocked: readonly BlockedRun[];
  readonly machines: readonly MachineProgress[];
  /** The cluster is to be deleted; while an operation still runs (or is blocked), the delete waits for it. */
  readonly deleteRequested: boolean;
  /** etcd was bootstrapped: the control plane was initialized once. */
  readonly bootstrapped: boolean;
  /** The control-plane endpoint address, once reserved. */
  readonly controlPlaneEndpoint?: string;
  /** Operations started since the cluster workflow began (the running one included). */
  readonly operations: number;
  /** The last operations (up to 10) and how they ended, newest last. */
  readonly recent: readonly { readonly kind: string; readonly summary: string; readonly outcome: string }[];
  /** When the infrastructure was last observed (ISO); machines, conditions and availability are as of then. */
  readonly observedAt?: string;
  /** Whether the control plane (etcd quorum, Kubernetes API) and the workers (every MachineDeployment within maxUnavailable) serve. */
  readonly availability?: { readonly controlPlane: Availability; readonly workers: Availability };
  /** The cluster's MachineHealthChecks as last evaluated. */
  readonly healthChecks?: readonly HealthCheckProgress[];
  /** The last renewal check of the talosconfig and admin kubeconfig, with the CAs' end dates. */
  readonly credentials?: CredentialsCheck;
  /** The scheduled etcd backups (absent until the schedule first looked). */
  readonly etcdBackup?: EtcdBackupCheck;
  /** etcd lost its quorum for good (no control plane runs a member): what the last observation saw, and the way back. */
  readonly etcdQuorumLost?: string;
}
export const clusterProgressQuery = defineQuery<ClusterProgress>('clusterProgress');

/** The dry run: the plan for the given desired state (or the current one) against what is observed, without running it. */
export const planQuery = defineQuery<ClusterPlan, [desired?: DesiredClusterInput]>('plan');

/** What `capstan move` asks of the source's cluster workflow. */
export interface ReleaseRequest {
  /** The uid of the Cluster object being moved: the source controller restarts no workflow for it. */
  readonly clusterUid: string;
  /** Where it goes, for the record (the target's API server and Temporal namespace). */
  readonly to: string;
}

/** How a released run ends: its result, which the controller reads. */
export interface ClusterReleased {
  readonly clusterUid: string;
  readonly to: string;
  readonly at: string;
}

/**
 * Hands the cluster to another management cluster: the run ends without deleting anything (its
 * side loops stop too) and reports `Released`. Accepted only while nothing runs — no operation
 * (blocked or not), no restore queued, no delete asked for; the answer comes before the run ends,
 * whose result then carries the release.
 */
export const releaseClusterUpdate = defineUpdate<ClusterReleased, [request: ReleaseRequest]>('releaseCluster');
