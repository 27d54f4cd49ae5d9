import { clusterNameLabel, topologyOwnedLabel } from '../../api/capi/annotations.ts';
import { nextDeletes, type CascadeDelete, type Descendants } from './cascade-order.ts';
import { claiming } from './cluster-claims.ts';
import { isSharedReference, referencedName } from './cluster-references.ts';
import { stringAt } from './raw-object.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';

/**
 * One step of a deleted Cluster's cascade, once its workflow has deleted the infrastructure:
 * observes what is left, lifts the finalizers it is given (the cluster workflow's, which nothing
 * else would lift any more) and deletes the objects CAPI's order asks for now. There is no garbage
 * collector to rely on (a management cluster without kube-controller-manager has none), so every
 * object is deleted by name. Returns the objects of this step; empty when nothing is left and the
 * Cluster may go.
 */
export async function deleteDescendants(
  scope: ReconcileScope,
  deps: ReconcileDeps,
  liftable: readonly string[],
): Promise<readonly CascadeDelete[]> {
  const deletes = nextDeletes(await observeDescendants(scope, deps), liftable);
  await Promise.all(
    deletes.map(async (step) => {
      if (step.keepFinalizers) await deps.kube.setFinalizers(step.kind, step.object, step.keepFinalizers);
      if (step.delete) await deps.kube.remove(step.kind, step.object);
    }),
  );
  return deletes;
}

async function observeDescendants(scope: ReconcileScope, deps: ReconcileDeps): Promise<Descendants> {
  const { namespace, name, cluster } = scope;
  const selector = `${clusterNameLabel}=${name}`;
  const clusters = deps.informers.list('Cluster', namespace);
  const ownRef = (path: string, kind: string): string | undefined =>
    isSharedReference(cluster, path, clusters) ? undefined : referencedName(cluster, path, kind);
  const controlPlane = ownRef('spec.controlPlaneRef', 'TalosControlPlane');
  const infrastructure = ownRef('spec.infrastructureRef', 'ProxmoxCluster');
  // The inventory is not watched: asked for anew each step.
  const [machineSets, machines, proxmoxMachines] = await Promise.all([
    deps.kube.list('MachineSet', namespace, selector),
    deps.kube.list('Machine', namespace, selector),
    deps.kube.list('ProxmoxMachine', namespace, selector),
  ]);
  // The kinds users write come from the caches: their delete events wake the cluster, and what the
  // cache no longer holds when the Cluster goes can never be taken for an orphan of it afterwards.
  return {
    machineDeployments: claiming('MachineDeployment', deps.informers.list('MachineDeployment', namespace), name),
    machineHealthChecks: deps.informers
      .list('MachineHealthCheck', namespace)
      .filter((check) => stringAt(check, 'spec.clusterName') === name),
    machineSets,
    machines,
    proxmoxMachines,
    controlPlane: controlPlane === undefined ? undefined : deps.informers.get('TalosControlPlane', namespace, controlPlane),
    infrastructure: infrastructure === undefined ? undefined : deps.informers.get('ProxmoxCluster', namespace, infrastructure),
    generatedTemplates: (['ProxmoxMachineTemplate', 'TalosConfigTemplate'] as const).flatMap((kind) =>
      deps.informers
        .list(kind, namespace)
        .filter((t) => t.metadata?.labels?.[clusterNameLabel] === name && t.metadata.labels[topologyOwnedLabel] !== undefined)
        .map((object) => ({ kind, object })),
    ),
  };
}
