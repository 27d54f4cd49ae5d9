import { setHandler } from '@temporalio/workflow';
import { releaseClusterUpdate, type ReleaseRequest } from '../../api/cluster-messages.ts';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import type { ClusterView } from './cluster-view.ts';

/**
 * The cluster workflow's `releaseCluster` update (`capstan move`). It only records the release;
 * the main loop ends the run where it next looks (never inside an operation). Refused unless the
 * cluster is idle: a running or blocked operation would be cut off mid-way on a cluster the
 * target then plans from scratch, and a queued restore or delete would be lost.
 */
export function handleReleaseUpdate(state: ClusterWorkflowState, view: ClusterView): void {
  setHandler(
    releaseClusterUpdate,
    (request) => {
      // Date.now() in a workflow is the deterministic workflow clock.
      state.released ??= { clusterUid: request.clusterUid, to: request.to, at: new Date(Date.now()).toISOString() };
      view.publish();
      return state.released;
    },
    {
      description: 'Hand the cluster to another management cluster (`capstan move`): this run ends without deleting anything.',
      validator: (request: ReleaseRequest) => {
        if (state.released !== undefined) {
          if (state.released.clusterUid === request.clusterUid) return; // a re-run of the same move
          throw new Error(`the cluster is already released to ${state.released.to}`);
        }
        if (request.clusterUid === '') throw new Error('the release names no Cluster uid');
        if (state.deleting) throw new Error('the cluster is being deleted; a deleted cluster cannot be moved');
        if (view.operation !== undefined) {
          const how = view.blocked() ? 'is blocked' : 'runs';
          throw new Error(
            `operation "${view.operation.summary}" ${how} (${view.operation.workflowId}); wait for it to finish (capstan watch ${state.name} --until-idle) or end it (capstan abort ${state.name} --reason "...") before moving the cluster`,
          );
        }
        if (state.restore !== undefined) throw new Error('an etcd restore is queued; let it run before moving the cluster');
      },
    },
  );
}
