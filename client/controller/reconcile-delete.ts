import { clusterWorkflowId } from '../../api/ids.ts';
import { deleteDescendants } from './delete-descendants.ts';
import { EventReason } from './events/event-spec.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';
import { writeClusterStatuses } from './reconcile-status.ts';
import type { HandlerResult } from './work-queue.ts';

/** While a delete runs, look again this often even without news (the workflow's end also wakes the key). */
const deleteRecheckMs = 30_000;

/**
 * While the cluster's objects are deleted, look again this often: the inventory is not watched
 * (the delete events of the watched kinds wake the key sooner).
 */
const cascadeRecheckMs = 1_000;

/**
 * The deletion path. Does not map the spec: the cluster workflow already has the desired state.
 * Signals deleteCluster once, waits for the workflow to end (it deletes the VMs and their
 * Machines), deletes what is left of the cluster's objects, then removes the finalizer. A cluster
 * without a workflow (never valid) goes straight to its objects. A paused cluster waits, as in
 * CAPI. A workflow that ended abnormally keeps the finalizer: its VMs may still exist and nothing
 * knows them any more.
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
      return finishDeletion(scope, deps);
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
 * The workflow deleted the infrastructure (or there never was one): delete the cluster's objects
 * as CAPI's Cluster controller does — MachineDeployments and what is left of the inventory, then
 * the TalosControlPlane, then the ProxmoxCluster — and let the Cluster go only once they are gone,
 * so none is left behind showing machines that no longer exist. Templates stay, as in CAPI.
 */
async function finishDeletion(scope: ReconcileScope, deps: ReconcileDeps): Promise<HandlerResult | undefined> {
  const { cluster, record } = scope;
  const left = await deleteDescendants(scope, deps);
  if (left.length > 0) {
    const held = left
      .filter((step) => step.heldBy.length > 0)
      .map((step) => `${step.kind} ${step.object.metadata?.name ?? ''} (${step.heldBy.join(', ')})`);
    const told = `held:${held.join('; ')}`;
    if (held.length > 0 && !record.told.has(told)) {
      record.told.add(told);
      await deps.events.record(cluster, {
        type: 'Normal',
        reason: EventReason.WaitingForDescendants,
        message: `the Cluster goes once these are deleted; their finalizers are not Capstan's: ${held.join('; ')}`,
      });
    }
    return { requeueAfterMs: cascadeRecheckMs };
  }
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
  return undefined;
}
