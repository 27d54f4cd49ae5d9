import type { TopologyObjects } from '../../../../api/capi/topology/generate.ts';
import { loadManifests, type Manifest } from '../manifests.ts';

/** The ClusterClass fixture's documents, a fresh copy each call (cases edit them). */
export function classManifests(): Manifest[] {
  return loadManifests('cluster-class.yaml');
}

const lists: Record<string, keyof TopologyObjects> = {
  ClusterClass: 'clusterClasses',
  ProxmoxClusterTemplate: 'proxmoxClusterTemplates',
  TalosControlPlaneTemplate: 'talosControlPlaneTemplates',
  ProxmoxMachineTemplate: 'proxmoxMachineTemplates',
  TalosConfigTemplate: 'talosConfigTemplates',
  ProxmoxCluster: 'proxmoxClusters',
  TalosControlPlane: 'talosControlPlanes',
  MachineDeployment: 'machineDeployments',
};

/** Sorts documents (fixture manifests and generated objects) into the generator's input lists. */
export function topologyObjects(documents: readonly object[]): TopologyObjects {
  const out: Record<keyof TopologyObjects, unknown[]> = {
    clusterClasses: [],
    proxmoxClusterTemplates: [],
    talosControlPlaneTemplates: [],
    proxmoxMachineTemplates: [],
    talosConfigTemplates: [],
    proxmoxClusters: [],
    talosControlPlanes: [],
    machineDeployments: [],
  };
  for (const document of documents) {
    const list = lists[(document as { kind?: string }).kind ?? ''];
    if (list) out[list].push(document);
  }
  return out;
}

/** The one document of `kind` named `name`. */
export function documentNamed(documents: readonly Manifest[], kind: string, name: string): Manifest {
  const found = documents.find((d) => d.kind === kind && d.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
