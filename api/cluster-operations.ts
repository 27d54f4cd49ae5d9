import type { DesiredClusterInput } from './desired-cluster.ts';
import type { ObservedCluster } from './observed-cluster.ts';

/** What every operation child workflow of the cluster workflow receives (plain JSON). */
export interface OperationInput {
  readonly desired: DesiredClusterInput;
  /** The cluster as the observation the operation was planned from found it; the operation observes again wherever it decides. */
  readonly observed: ObservedCluster;
  /** The cluster workflow to send progress to; absent when an operation is run on its own. */
  readonly reportTo?: string;
}

/** How an operation ended. What it built or removed is in the management cluster's inventory, not here. */
export interface OperationOutcome {
  readonly outcome: 'Succeeded' | 'Aborted';
  /** The operator's reason for an abort. */
  readonly reason?: string;
}
