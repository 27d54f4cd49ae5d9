import { hasFinalizer, isDeleting, isPaused } from './finalizers.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';
import { reconcileDelete } from './reconcile-delete.ts';
import { reconcileNormal } from './reconcile-normal.ts';
import { reconcileOrphans } from './reconcile-orphans.ts';
import type { HandlerResult } from './work-queue.ts';
import { parseClusterKey } from '../../api/cluster-ref.ts';

/**
 * One reconcile of one cluster, in CAPI's order: a Cluster that is gone needs nothing but to tell
 * the objects that still name it; the finalizer goes on first (so a delete always waits for the cluster workflow); then the
 * deletion path or the normal one (pause, validate and map, signal, status).
 */
export async function reconcileCluster(key: string, deps: ReconcileDeps): Promise<HandlerResult | undefined> {
  if (!deps.isLeader()) return undefined;
  const { namespace, name } = parseClusterKey(key);
  let cluster = deps.informers.get('Cluster', namespace, name);
  if (!cluster) {
    deps.records.forget(key);
    return reconcileOrphans(key, deps);
  }
  deps.records.forgetOrphanNotices(key);
  const deleting = isDeleting(cluster);
  if (deleting && !hasFinalizer(cluster, deps.finalizer)) return undefined;
  if (!deleting && !hasFinalizer(cluster, deps.finalizer)) {
    const patched = await deps.kube.setFinalizers('Cluster', cluster, [...(cluster.metadata?.finalizers ?? []), deps.finalizer]);
    if (!patched) return undefined; // deleted meanwhile: its delete event brings the key back
    cluster = patched;
  }
  const record = deps.records.of(key);
  let unreachable: Error | undefined;
  if (record.workflow.state === 'unknown') {
    try {
      record.workflow = await deps.workflows.describe(namespace, name);
    } catch (error) {
      // Status still shows the spec's problems and why nothing moves; the retry looks again.
      unreachable = error instanceof Error ? error : new Error(String(error));
      record.workflow = { state: 'unknown', error: unreachable.message.split('\n')[0] ?? '' };
    }
  }
  // A run released for another Cluster object of this name (moved away, then moved back or made
  // again) says nothing about this one: like a completed run, a new one may start for it.
  if (record.workflow.state === 'released' && record.workflow.clusterUid !== cluster.metadata?.uid)
    record.workflow = { state: 'completed' };
  if (record.workflow.state === 'running') deps.watchCompletion(key);
  const scope: ReconcileScope = { key, namespace, name, cluster, record, paused: isPaused(cluster) };
  const result = deleting ? await reconcileDelete(scope, deps) : await reconcileNormal(scope, deps);
  if (unreachable !== undefined) {
    record.workflow = { state: 'unknown' };
    throw unreachable;
  }
  return result;
}
