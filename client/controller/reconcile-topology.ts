import { clusterNameLabel, topologyOwnedLabel } from '../../api/capi/annotations.ts';
import { generateTopology, type GeneratedTopology, type TopologyResult } from '../../api/capi/topology/generate.ts';
import type { ClusterObjects } from '../../api/capi/to-desired-cluster.ts';
import type { WatchedKindName } from './kinds.ts';
import { fieldAt, stringAt, type RawObject } from './raw-object.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';
import { isSubset } from './subset.ts';

/** The kinds a topology generates, which the controller creates, updates and removes for it. */
const generatedKinds = [
  'ProxmoxCluster',
  'ProxmoxMachineTemplate',
  'TalosControlPlane',
  'TalosConfigTemplate',
  'MachineDeployment',
] as const;
type GeneratedKind = (typeof generatedKinds)[number];
const isGeneratedKind = (kind: unknown): kind is GeneratedKind => generatedKinds.includes(kind as GeneratedKind);

/**
 * CAPI's topology controller, for a Cluster with `spec.topology`: generates the objects its
 * ClusterClass stands for (api/capi/topology, pure), applies those that differ from the cache,
 * points the Cluster at them, and removes generated MachineDeployments the topology no longer
 * lists and rotated templates nothing references any more. Nothing is written while paused or by
 * a standby replica; the result (objects or refusals) is returned either way, so the status says it.
 * Undefined for a Cluster without a topology.
 */
export async function reconcileTopology(scope: ReconcileScope, deps: ReconcileDeps): Promise<TopologyResult | undefined> {
  if (fieldAt(scope.cluster, 'spec.topology') === undefined) return undefined;
  const { namespace } = scope;
  const list = (kind: WatchedKindName) => deps.informers.list(kind, namespace);
  const result = generateTopology(scope.cluster, {
    clusterClasses: list('ClusterClass'),
    proxmoxClusterTemplates: list('ProxmoxClusterTemplate'),
    talosControlPlaneTemplates: list('TalosControlPlaneTemplate'),
    proxmoxMachineTemplates: list('ProxmoxMachineTemplate'),
    talosConfigTemplates: list('TalosConfigTemplate'),
    proxmoxClusters: list('ProxmoxCluster'),
    talosControlPlanes: list('TalosControlPlane'),
    machineDeployments: list('MachineDeployment'),
  });
  if (!result.ok || scope.paused || !deps.isLeader()) return result;
  const { generated } = result;
  for (const object of generated.objects) {
    const kind = object.kind;
    if (!isGeneratedKind(kind)) throw new Error(`the topology generated a ${String(kind)}, which the controller does not write`);
    const cached = deps.informers.get(kind, namespace, (object as RawObject).metadata?.name ?? '');
    if (cached === undefined || !isSubset(object, cached)) await deps.kube.applyGenerated(kind, object);
  }
  const refs = { controlPlaneRef: generated.controlPlaneRef, infrastructureRef: generated.infrastructureRef };
  if (!isSubset({ spec: refs }, scope.cluster)) await deps.kube.applyClusterRefs(namespace, scope.name, refs);
  await removeStale(scope, generated, deps);
  return result;
}

/**
 * Generated objects of this Cluster that the topology no longer produces: a MachineDeployment
 * gone from `workers.machineDeployments`, and templates rotated away, once no cached
 * MachineDeployment or TalosControlPlane still points at them (the cache may not have seen the
 * rotation yet; the next reconcile removes them).
 */
async function removeStale(scope: ReconcileScope, generated: GeneratedTopology, deps: ReconcileDeps): Promise<void> {
  const { namespace, name } = scope;
  const wanted = new Set(generated.objects.map((o) => `${String(o.kind)}/${(o as RawObject).metadata?.name ?? ''}`));
  const ownedHere = (object: RawObject) =>
    object.metadata?.labels?.[clusterNameLabel] === name && object.metadata.labels[topologyOwnedLabel] !== undefined;
  const referenced = new Set<string>();
  for (const tcp of deps.informers.list('TalosControlPlane', namespace))
    referenced.add(`ProxmoxMachineTemplate/${stringAt(tcp, 'spec.infrastructureTemplate.name') ?? ''}`);
  for (const md of deps.informers.list('MachineDeployment', namespace)) {
    referenced.add(`ProxmoxMachineTemplate/${stringAt(md, 'spec.template.spec.infrastructureRef.name') ?? ''}`);
    referenced.add(`TalosConfigTemplate/${stringAt(md, 'spec.template.spec.bootstrap.configRef.name') ?? ''}`);
  }
  for (const kind of ['MachineDeployment', 'ProxmoxMachineTemplate', 'TalosConfigTemplate'] as const) {
    for (const object of deps.informers.list(kind, namespace)) {
      const id = `${kind}/${object.metadata?.name ?? ''}`;
      if (!ownedHere(object) || wanted.has(id) || referenced.has(id)) continue;
      deps.logger.info(`removing ${id} in ${namespace}: the topology of Cluster ${name} no longer generates it`);
      await deps.kube.remove(kind, object);
    }
  }
}

/**
 * The mapping's view with the generated objects in place of their cached versions: the caches see
 * what was just applied only later, and the cluster must not look broken meanwhile.
 */
export function withGenerated(objects: ClusterObjects, cluster: RawObject, generated: GeneratedTopology): ClusterObjects {
  const byKind = (kind: GeneratedKind, cached: readonly unknown[]): unknown[] => {
    const fresh = new Map((generated.objects.filter((o) => o.kind === kind) as RawObject[]).map((o) => [o.metadata?.name, o]));
    const merged = cached.map((o) => {
      const object = o as RawObject;
      const now = fresh.get(object.metadata?.name);
      if (now === undefined) return o;
      fresh.delete(object.metadata?.name);
      return { ...object, ...now, metadata: { ...object.metadata, ...now.metadata } };
    });
    return [...merged, ...fresh.values()];
  };
  const name = cluster.metadata?.name;
  const refs = { controlPlaneRef: generated.controlPlaneRef, infrastructureRef: generated.infrastructureRef };
  return {
    ...objects,
    clusters: objects.clusters.map((c) =>
      (c as RawObject).metadata?.name === name ? { ...cluster, spec: { ...(cluster.spec as object), ...refs } } : c,
    ),
    proxmoxClusters: byKind('ProxmoxCluster', objects.proxmoxClusters),
    talosControlPlanes: byKind('TalosControlPlane', objects.talosControlPlanes),
    machineDeployments: byKind('MachineDeployment', objects.machineDeployments),
    proxmoxMachineTemplates: byKind('ProxmoxMachineTemplate', objects.proxmoxMachineTemplates),
    talosConfigTemplates: byKind('TalosConfigTemplate', objects.talosConfigTemplates),
  };
}
