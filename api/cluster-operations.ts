import type { DesiredClusterInput } from './desired-cluster.ts';
import type { ObservedCluster } from './observed-cluster.ts';

/** What every operation child workflow of the cluster workflow receives (plain JSON). */
export interface OperationInput {
  readonly desired: DesiredClusterInput;
  /** The cluster as the cluster workflow knows it when the operation starts. */
  readonly observed: ObservedCluster;
  /** The cluster workflow to send progress to; absent when an operation is run on its own. */
  readonly reportTo?: string;
}

/** How an operation ended, with the cluster as it left it (also after an abort). */
export interface OperationOutcome {
  readonly observed: ObservedCluster;
  readonly outcome: 'Succeeded' | 'Aborted';
  /** The operator's reason for an abort. */
  readonly reason?: string;
}
