import type { ClusterObservation } from './observation.ts';
import type { ClusterProgress, ClusterReleased } from './cluster-messages.ts';
import type { CredentialsCheck } from './credentials.ts';
import type { DesiredClusterInput } from './desired-cluster.ts';
import type { EtcdBackupCheck } from './etcd-snapshots.ts';

/** The type name the cluster workflow is registered and started under (`cluster/<ns>/<name>`). */
export const clusterWorkflowType = 'clusterWorkflow';

/**
 * Everything the cluster workflow carries across continue-as-new: plain JSON only, and no
 * inventory — the machines are in the management cluster and are observed again after every
 * continue-as-new.
 */
export interface ClusterWorkflowState {
  readonly namespace: string;
  readonly name: string;
  /** The latest desired state received (the latest signal wins). */
  desired?: DesiredClusterInput;
  deleting: boolean;
  /** An operator's abort (or an operation that cannot converge) holds the cluster until its spec changes. */
  hold?: { readonly spec: string; readonly reason: string };
  /** Operations started so far: numbers their workflow ids. */
  operations: number;
  recent: ClusterProgress['recent'];
  /** When each stray VM (by `<node>/<vmid>`) was first seen: destroyed once the grace period has passed. */
  strays: Record<string, string>;
  /**
   * The last observation, carried across continue-as-new as a cache only: the new run shows it
   * until its own first observation (instead of an empty cluster) and never plans from it.
   */
  lastObservation?: ClusterObservation;
  /** The last check of the talosconfig and admin kubeconfig certificates, and when the next is due. */
  credentials?: CredentialsCheck;
  /** The scheduled etcd backups: the last good snapshot, the last problem, when the schedule looks again. */
  etcdBackup?: EtcdBackupCheck;
  /** An etcd restore an operator asked for (the snapshot resolved when asked), until its operation starts. */
  restore?: { readonly snapshot: string };
  /** Set by the releaseCluster update (`capstan move`): the run ends at the next point the loop reaches. */
  released?: ClusterReleased;
  /** Continue-as-new past this many history events (between operations); default 8,000. */
  historyLimit?: number;
}

/** The state a new cluster workflow starts from (what signalWithStart passes). */
export function newClusterState(namespace: string, name: string): ClusterWorkflowState {
  return { namespace, name, deleting: false, operations: 0, recent: [], strays: {} };
}

/** The cluster workflow's signature, so clients type their handles without importing workflow code. */
export type ClusterWorkflow = (input: ClusterWorkflowState) => Promise<ClusterWorkflowResult>;

/** How a cluster workflow ends: it deleted the cluster, or it released it to another management cluster. */
export interface ClusterWorkflowResult {
  readonly deleted: boolean;
  readonly released?: ClusterReleased;
}
