import { versionCatalogAnnotation } from '../../api/capi/annotations.ts';
import type { ClusterObjects } from '../../api/capi/to-desired-cluster.ts';
import type { Informers } from './informers.ts';
import type { KubeWrites } from './kube-writes.ts';
import type { RawObject } from './raw-object.ts';

/**
 * Everything the mapping may read for one cluster, gathered once per reconcile (CAPI's scope):
 * the namespace's objects of each kind from the caches, and the version-catalog ConfigMap the
 * Cluster names, read directly (the controller does not watch every ConfigMap; a resync picks
 * up catalog edits).
 */
export async function gatherClusterObjects(
  cluster: RawObject,
  informers: Pick<Informers, 'list'>,
  kube: Pick<KubeWrites, 'readConfigMap'>,
): Promise<ClusterObjects> {
  const namespace = cluster.metadata?.namespace ?? '';
  const catalog = cluster.metadata?.annotations?.[versionCatalogAnnotation];
  const configMap = catalog ? await kube.readConfigMap(namespace, catalog) : undefined;
  return {
    clusters: informers.list('Cluster', namespace),
    talosControlPlanes: informers.list('TalosControlPlane', namespace),
    machineDeployments: informers.list('MachineDeployment', namespace),
    proxmoxClusters: informers.list('ProxmoxCluster', namespace),
    proxmoxMachineTemplates: informers.list('ProxmoxMachineTemplate', namespace),
    talosConfigTemplates: informers.list('TalosConfigTemplate', namespace),
    configMaps: configMap === undefined ? [] : [configMap],
    machineHealthChecks: informers.list('MachineHealthCheck', namespace),
  };
}
