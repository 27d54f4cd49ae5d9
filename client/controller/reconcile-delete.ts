import { clusterWorkflowId } from '../../api/ids.ts';
import { EventReason } from './events/event-spec.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';
import { writeClusterStatuses } from './reconcile-status.ts';
import type { HandlerResult } from './work-queue.ts';

/** While a delete runs, look again this often even without news (the workflow's end also wakes the key). */
const deleteRecheckMs = 30_000;

/**
 * The deletion path. Does not map the spec: `kubectl delete -f` removes the other objects at the
 * same time, and the cluster workflow already has the desired state. Signals deleteCluster once,
 * waits for the workflow to end (it deletes the VMs and their Machines), then removes the
 * finalizer. A cluster without
 * a workflow (never valid) lets go at once. A paused cluster waits, as in CAPI. A workflow that
 * ended abnormally keeps the finalizer: its VMs may still exist and nothing knows them any more.
 */
export async function reconcileDelete(scope: ReconcileScope, deps: ReconcileDeps): Promise<HandlerResult | undefined> {
  const { namespace, name, record } = scope;
  const workflowId = clusterWorkflowId(namespace, name);
  if (scope.paused) {
    await writeClusterStatuses(scope, deps, {});
    return undefined;
  }
  switch (record.workflow.state) {
    case 'absent':
    case 'completed':
      await finishDeletion(scope, deps);
      return undefined;
    case 'ended': {
      const told = `ended:${record.workflow.status}`;
      if (!record.told.has(told)) {
        record.told.add(told);
        await deps.events.record(scope.cluster, {
          type: 'Warning',
          reason: EventReason.WorkflowEnded,
          message: `${workflowId} ended (${record.workflow.status}) before deleting the cluster: its VMs may remain. Reset the workflow in the Temporal Web UI, or delete the VMs and remove finalizer ${deps.finalizer} by hand`,
        });
      }
      await writeClusterStatuses(scope, deps, {});
      return undefined;
    }
    case 'unknown':
      // Temporal could not be asked: say so, and let the retry look again.
      await writeClusterStatuses(scope, deps, {});
      return undefined;
    case 'running':
      // A new leader learns from the progress that the delete was already asked for.
      if (record.progress?.deleteRequested === true) record.deleteSent = true;
      if (!record.deleteSent && deps.isLeader()) {
        await deps.workflows.sendDelete(namespace, name);
        record.deleteSent = true;
        record.activeUntilMs = Date.now() + deps.afterSignalMs;
        deps.watchCompletion(scope.key);
        deps.pollSoon(scope.key);
        await deps.events.record(scope.cluster, {
          type: 'Normal',
          reason: EventReason.DeleteRequested,
          message: `signalled ${workflowId} to delete the cluster`,
        });
      }
      await writeClusterStatuses(scope, deps, {});
      return { requeueAfterMs: deleteRecheckMs };
  }
}

/**
 * The workflow deleted everything (or there never was one): let the Cluster go. The workflow
 * removed each Machine, MachineSet and ProxmoxMachine once its VM was gone; the controller
 * writes none of them.
 */
async function finishDeletion(scope: ReconcileScope, deps: ReconcileDeps): Promise<void> {
  const { cluster } = scope;
  const released = await deps.kube.setFinalizers(
    'Cluster',
    cluster,
    (cluster.metadata?.finalizers ?? []).filter((f) => f !== deps.finalizer),
  );
  // A stale cache can bring a gone Cluster here once more: say it only when this reconcile let it go.
  if (released)
    await deps.events.record(cluster, {
      type: 'Normal',
      reason: EventReason.ClusterDeleted,
      message: 'the cluster workflow deleted the cluster; finalizer removed',
    });
  deps.records.forget(scope.key);
}
