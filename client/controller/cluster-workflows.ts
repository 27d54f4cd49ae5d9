import {
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { clusterProgressQuery, deleteClusterSignal, desiredClusterSignal, type ClusterProgress } from '../../api/cluster-messages.ts';
import type { DesiredCluster, DesiredClusterInput } from '../../api/desired-cluster.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { clusterWorkflowMetadata } from '../../plan/workflow-summaries.ts';
import type { WorkflowState } from './workflow-state.ts';
import { measureSignal } from '../../runtime/metrics/controller-metrics.ts';
import {
  clusterWorkflowType,
  newClusterState,
  type ClusterWorkflow,
  type ClusterWorkflowResult,
} from '../../api/cluster-workflow-state.ts';

/** The controller's only way to Temporal: the cluster workflow of each cluster, by namespace and name. */
export interface ClusterWorkflows {
  /** Whether the cluster's workflow exists, runs, or how it ended. */
  describe(namespace: string, name: string): Promise<WorkflowState>;
  /** signalWithStart: starts the workflow if needed and hands it the desired state. */
  sendDesired(desired: DesiredCluster): Promise<void>;
  /** Tells the running workflow to delete the cluster. */
  sendDelete(namespace: string, name: string): Promise<void>;
  /** The `clusterProgress` query, bounded by a deadline so a missing worker cannot stall a poll. */
  progress(namespace: string, name: string): Promise<ClusterProgress>;
  /** Resolves with the workflow's end (following continue-as-new) or rejects when `signal` aborts. */
  completion(namespace: string, name: string, signal: AbortSignal): Promise<WorkflowState>;
}

export interface ClusterWorkflowsOptions {
  readonly client: Client;
  readonly taskQueue: string;
  readonly queryTimeoutMs?: number;
}

/** A completed run: it deleted the cluster, or released it to another management cluster. */
function ended(result: ClusterWorkflowResult | undefined): WorkflowState {
  const released = result?.released;
  return released ? { state: 'released', clusterUid: released.clusterUid, to: released.to } : { state: 'completed' };
}

/** ClusterWorkflows over a Temporal client. */
export function createClusterWorkflows(options: ClusterWorkflowsOptions): ClusterWorkflows {
  const { client, taskQueue } = options;
  const queryTimeoutMs = options.queryTimeoutMs ?? 5_000;
  const handle = (namespace: string, name: string) => client.workflow.getHandle<ClusterWorkflow>(clusterWorkflowId(namespace, name));
  return {
    async describe(namespace, name) {
      try {
        const { status } = await handle(namespace, name).describe();
        if (status.name === 'RUNNING' || status.name === 'PAUSED') return { state: 'running' };
        if (status.name === 'COMPLETED') return ended(await handle(namespace, name).result());
        return { state: 'ended', status: status.name };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { state: 'absent' };
        throw error;
      }
    },
    async sendDesired(desired) {
      await measureSignal(desiredClusterSignal.name, () =>
        client.workflow.signalWithStart<ClusterWorkflow, [DesiredClusterInput]>(clusterWorkflowType, {
          workflowId: clusterWorkflowId(desired.namespace, desired.name),
          taskQueue,
          args: [newClusterState(desired.namespace, desired.name)],
          signal: desiredClusterSignal,
          signalArgs: [desired],
          // Only a start uses these; a signal to a running workflow leaves them as they were.
          ...clusterWorkflowMetadata(desired),
        }),
      );
    },
    async sendDelete(namespace, name) {
      await measureSignal(deleteClusterSignal.name, () => handle(namespace, name).signal(deleteClusterSignal));
    },
    async progress(namespace, name) {
      return client.withDeadline(Date.now() + queryTimeoutMs, () => handle(namespace, name).query(clusterProgressQuery));
    },
    async completion(namespace, name, signal) {
      try {
        return ended(await client.withAbortSignal(signal, () => handle(namespace, name).result()));
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof WorkflowNotFoundError) return { state: 'absent' };
        if (error instanceof WorkflowFailedError) {
          const { cause } = error;
          const status =
            cause instanceof TerminatedFailure
              ? 'TERMINATED'
              : cause instanceof CancelledFailure
                ? 'CANCELLED'
                : cause instanceof TimeoutFailure
                  ? 'TIMED_OUT'
                  : 'FAILED';
          return { state: 'ended', status, message: cause?.message ?? error.message };
        }
        throw error;
      }
    },
  };
}
