import { claiming } from './cluster-claims.ts';
import { referencedName } from './cluster-references.ts';
import { clusterOwnerReference, missingOwnerReference } from './cluster-ownership.ts';
import { isDeleting } from './finalizers.ts';
import type { WatchedKindName } from './kinds.ts';
import type { RawObject } from './raw-object.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';

/**
 * Writes CAPI's owner references from a Cluster to its TalosControlPlane, ProxmoxCluster and
 * MachineDeployments where they are missing, so a management cluster's garbage collector agrees
 * with the cascade the controller runs itself on delete (not every management cluster has one).
 * Ownership serves the garbage collector, not Capstan's decisions: a failed write is logged and
 * the reconcile goes on.
 */
export async function ownClusterObjects(scope: ReconcileScope, deps: ReconcileDeps): Promise<void> {
  const { namespace, name, cluster } = scope;
  const referenced = (path: string, kind: 'TalosControlPlane' | 'ProxmoxCluster'): RawObject | undefined => {
    const ref = referencedName(cluster, path, kind);
    return ref === undefined ? undefined : deps.informers.get(kind, namespace, ref);
  };
  const owned: [WatchedKindName, RawObject | undefined, boolean][] = [
    ['TalosControlPlane', referenced('spec.controlPlaneRef', 'TalosControlPlane'), true],
    ['ProxmoxCluster', referenced('spec.infrastructureRef', 'ProxmoxCluster'), true],
    ...claiming('MachineDeployment', deps.informers.list('MachineDeployment', namespace), name).map(
      (md): [WatchedKindName, RawObject, boolean] => ['MachineDeployment', md, false],
    ),
  ];
  for (const [kind, object, controller] of owned) {
    const owner = clusterOwnerReference(cluster, controller);
    if (!object || !owner || isDeleting(object)) continue;
    const missing = missingOwnerReference(object, owner);
    if (!missing) continue;
    try {
      await deps.kube.applyOwnerReference(kind, object, missing);
    } catch (error) {
      deps.logger.warn(
        `could not make Cluster ${namespace}/${name} the owner of ${kind} ${object.metadata?.name ?? ''}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
