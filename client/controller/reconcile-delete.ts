import { clusterWorkflowId } from '../../api/ids.ts';
import type { CascadeDelete } from './cascade-order.ts';
import { deleteDescendants } from './delete-descendants.ts';
import { EventReason } from './events/event-spec.ts';
import { inventoryFinalizers } from './finalizers.ts';
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
 * without a workflow (never valid) goes straight to its objects, but lifts no finalizer of the
 * workflow's: nothing vouches that the VMs those record are gone. A paused cluster waits, as in
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
    // Moved away (released): the objects go, but no finalizer guarding a VM is lifted here (the VMs are the target's).
    case 'absent':
    case 'completed':
    case 'released':
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
  // Only a workflow that ran the delete vouches that no VM is left: without one, a Machine still
  // under the workflow's finalizer may be the only record of a VM, and stays until someone looks.
  const finished = record.workflow.state === 'completed';
  const left = await deleteDescendants(scope, deps, finished ? inventoryFinalizers : []);
  if (left.length > 0) {
    const held = left.filter((step) => step.heldBy.length > 0);
    const told = `held:${held.map(describeHeld).join('; ')}`;
    if (held.length > 0 && !record.told.has(told)) {
      record.told.add(told);
      const ours = held.some((step) => step.heldBy.some((f) => inventoryFinalizers.includes(f)));
      await deps.events.record(cluster, {
        type: ours ? 'Warning' : 'Normal',
        reason: EventReason.WaitingForDescendants,
        message: `the Cluster goes once these are deleted: ${held.map(describeHeld).join('; ')}${ours ? '; no cluster workflow deleted their VMs: check Proxmox for them, then remove those finalizers by hand' : ''}`,
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

// `Machine demo-cp-0 (held by machine.cluster.x-k8s.io)`.
function describeHeld(step: CascadeDelete): string {
  return `${step.kind} ${step.object.metadata?.name ?? ''} (held by ${step.heldBy.join(', ')})`;
}
