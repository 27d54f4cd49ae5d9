import { clusterNameLabel } from '../../api/capi/annotations.ts';
import { claimsOf } from './cluster-claims.ts';
import type { WatchedKindName } from './kinds.ts';
import { stringAt, type RawObject } from './raw-object.ts';
import { clusterKey } from '../../api/cluster-ref.ts';

/** What the key mapping may look up: the objects of a kind in a namespace, as the caches hold them. */
export type ObjectLookup = (kind: WatchedKindName, namespace: string) => readonly RawObject[];

/**
 * The clusters an object belongs to: a Cluster itself; a MachineDeployment by `spec.clusterName`
 * or the `cluster.x-k8s.io/cluster-name` label; a TalosControlPlane or ProxmoxCluster by that
 * label, a Cluster owner reference or the Clusters that reference it; a MachineHealthCheck by `spec.clusterName` alone (as CAPI reads it); a
 * template by the objects that reference it (one template may serve several clusters). Pure: the
 * caches are passed in.
 */
export function clusterKeysOf(kind: WatchedKindName, object: RawObject, lookup: ObjectLookup): string[] {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name;
  if (namespace === undefined || name === undefined) return [];
  const keys = new Set<string>();
  const byName = (cluster: string | undefined): void => {
    if (cluster) keys.add(clusterKey({ namespace: namespace, name: cluster }));
  };
  const clustersReferencing = (refPath: string, refKind: string): void => {
    for (const cluster of lookup('Cluster', namespace)) {
      if (references(cluster, refPath, refKind, name)) byName(cluster.metadata?.name);
    }
  };
  switch (kind) {
    case 'Cluster':
      byName(name);
      break;
    case 'TalosControlPlane':
      for (const claim of claimsOf(kind, object)) byName(claim.cluster);
      clustersReferencing('spec.controlPlaneRef', 'TalosControlPlane');
      break;
    case 'ProxmoxCluster':
      for (const claim of claimsOf(kind, object)) byName(claim.cluster);
      clustersReferencing('spec.infrastructureRef', 'ProxmoxCluster');
      break;
    case 'MachineDeployment':
      byName(stringAt(object, 'spec.clusterName'));
      byName(object.metadata?.labels?.[clusterNameLabel]);
      break;
    case 'MachineHealthCheck':
      byName(stringAt(object, 'spec.clusterName'));
      break;
    case 'ProxmoxMachineTemplate':
      for (const tcp of lookup('TalosControlPlane', namespace)) {
        if (references(tcp, 'spec.infrastructureTemplate', kind, name))
          for (const key of clusterKeysOf('TalosControlPlane', tcp, lookup)) keys.add(key);
      }
      for (const md of lookup('MachineDeployment', namespace)) {
        if (references(md, 'spec.template.spec.infrastructureRef', kind, name))
          for (const key of clusterKeysOf('MachineDeployment', md, lookup)) keys.add(key);
      }
      break;
    case 'TalosConfigTemplate':
      for (const md of lookup('MachineDeployment', namespace)) {
        if (references(md, 'spec.template.spec.bootstrap.configRef', kind, name))
          for (const key of clusterKeysOf('MachineDeployment', md, lookup)) keys.add(key);
      }
      break;
    case 'ClusterClass':
      for (const cluster of lookup('Cluster', namespace)) {
        if (stringAt(cluster, 'spec.topology.class') === name) byName(cluster.metadata?.name);
      }
      break;
    case 'TalosControlPlaneTemplate':
    case 'ProxmoxClusterTemplate':
      break;
  }
  // A template a ClusterClass names reaches every Cluster made from that class.
  if (
    kind === 'ProxmoxMachineTemplate' ||
    kind === 'TalosConfigTemplate' ||
    kind === 'TalosControlPlaneTemplate' ||
    kind === 'ProxmoxClusterTemplate'
  ) {
    for (const clusterClass of lookup('ClusterClass', namespace)) {
      if (classTemplateRefs(clusterClass).some((ref) => ref.name === name && (ref.kind === undefined || ref.kind === kind)))
        for (const key of clusterKeysOf('ClusterClass', clusterClass, lookup)) keys.add(key);
    }
  }
  return [...keys].sort();
}

/** Every template reference of a ClusterClass: infrastructure, control plane and its machines, each worker class's two. */
function classTemplateRefs(clusterClass: RawObject): { name?: string; kind?: string }[] {
  const at = (path: string) => ({ name: stringAt(clusterClass, `${path}.name`), kind: stringAt(clusterClass, `${path}.kind`) });
  const refs = [at('spec.infrastructure.ref'), at('spec.controlPlane.ref'), at('spec.controlPlane.machineInfrastructure.ref')];
  const workers = (clusterClass.spec as { workers?: { machineDeployments?: unknown } } | undefined)?.workers?.machineDeployments;
  if (Array.isArray(workers))
    workers.forEach((_, i) => {
      refs.push(
        at(`spec.workers.machineDeployments.${i}.template.bootstrap.ref`),
        at(`spec.workers.machineDeployments.${i}.template.infrastructure.ref`),
      );
    });
  return refs;
}

/** Whether the reference at `path` names `name` (and, when it says, the kind). */
function references(object: RawObject, path: string, kind: string, name: string): boolean {
  const refKind = stringAt(object, `${path}.kind`);
  return stringAt(object, `${path}.name`) === name && (refKind === undefined || refKind === kind);
}
