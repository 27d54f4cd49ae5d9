import { describeIssue, objectsFromManifests, toDesiredCluster, type MappingIssue } from '../../../api/capi/to-desired-cluster.ts';
import { generateTopology, type TopologyObjects } from '../../../api/capi/topology/generate.ts';
import type { GeneratedObject } from './generated-object.ts';

const topologyLists: Readonly<Record<string, keyof TopologyObjects>> = {
  ClusterClass: 'clusterClasses',
  ProxmoxClusterTemplate: 'proxmoxClusterTemplates',
  TalosControlPlaneTemplate: 'talosControlPlaneTemplates',
  ProxmoxMachineTemplate: 'proxmoxMachineTemplates',
  TalosConfigTemplate: 'talosConfigTemplates',
};

/** The generated objects sorted into the topology generator's input lists (nothing generated earlier). */
function topologyInputs(objects: readonly GeneratedObject[]): TopologyObjects {
  const lists: Record<keyof TopologyObjects, unknown[]> = {
    clusterClasses: [],
    proxmoxClusterTemplates: [],
    talosControlPlaneTemplates: [],
    proxmoxMachineTemplates: [],
    talosConfigTemplates: [],
    proxmoxClusters: [],
    talosControlPlanes: [],
    machineDeployments: [],
  };
  for (const object of objects) {
    const list = topologyLists[object.kind];
    if (list) lists[list].push(object);
  }
  return lists;
}

/**
 * What the controller would make of a flavor's output: a Cluster with a topology goes through the
 * topology generator first (as a fresh Cluster, with its class and templates as inputs), then the
 * generated objects and the Cluster pointing at them through the mapping. Every issue either
 * step reports, errors and warnings alike.
 */
export function generatedIssues(objects: readonly GeneratedObject[], namespace: string, name: string): MappingIssue[] {
  type WithSpec = GeneratedObject & { spec: Record<string, unknown> };
  const cluster = objects.find((o): o is WithSpec => o.kind === 'Cluster' && o.metadata.name === name);
  if (cluster === undefined) throw new Error(`the generated manifests hold no Cluster ${name}`);
  if (cluster.spec['topology'] === undefined) {
    const mapped = toDesiredCluster({ namespace, name }, objectsFromManifests(objects, namespace));
    return [...(mapped.ok ? [] : mapped.errors), ...mapped.warnings];
  }
  const topology = generateTopology(cluster, topologyInputs(objects));
  if (!topology.ok) return [...topology.errors, ...topology.warnings];
  const { generated } = topology;
  const withRefs = {
    ...cluster,
    spec: { ...cluster.spec, controlPlaneRef: generated.controlPlaneRef, infrastructureRef: generated.infrastructureRef },
  };
  const mapped = toDesiredCluster({ namespace, name }, objectsFromManifests([withRefs, ...generated.objects], namespace));
  return [...topology.warnings, ...(mapped.ok ? [] : mapped.errors), ...mapped.warnings];
}

/** The issues, one line each, for the message of a bug. */
export const issuesText = (issues: readonly MappingIssue[]): string => issues.map(describeIssue).join('; ');
