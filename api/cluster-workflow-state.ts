import type { ClusterProgress } from './cluster-messages.ts';
import type { DesiredClusterInput } from './desired-cluster.ts';
import type { ObservedCluster } from './observed-cluster.ts';

/** The type name the cluster workflow is registered and started under (`cluster/<ns>/<name>`). */
export const clusterWorkflowType = 'clusterWorkflow';

/** Everything the cluster workflow carries across continue-as-new: plain JSON only. */
export interface ClusterWorkflowState {
  readonly namespace: string;
  readonly name: string;
  /** The latest desired state received (the latest signal wins). */
  desired?: DesiredClusterInput;
  observed: ObservedCluster;
  deleting: boolean;
  /** The spec (as JSON) the workflow settled on: nothing to do, refused, or aborted. It waits for another. */
  settled?: string;
  /** Why the settled spec is not carried out (a refusal or an operator's abort). */
  held?: string;
  /** Operations started so far: numbers their workflow ids. */
  operations: number;
  recent: ClusterProgress['recent'];
  /** Continue-as-new past this many history events (between operations); default 8,000. */
  historyLimit?: number;
}

/** The state a new cluster workflow starts from (what signalWithStart passes). */
export function newClusterState(namespace: string, name: string): ClusterWorkflowState {
  return { namespace, name, observed: { machines: [], bootstrapped: false }, deleting: false, operations: 0, recent: [] };
}

/** The cluster workflow's signature, so clients type their handles without importing workflow code. */
export type ClusterWorkflow = (input: ClusterWorkflowState) => Promise<{ readonly deleted: boolean }>;
