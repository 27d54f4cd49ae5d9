// The demo cluster's manifests (test/api/capi/fixtures/demo-cluster.yaml, as CAPI users write
// them) adapted to the simulators: template VM 9000, nodes pve1..pve3, a pool and endpoint in
// 127.0.<net>.0/24 (simulated Talos nodes listen on their VM's address), sized for a test.
import { at, demoManifests, manifest, type Manifest } from '../api/capi/manifests.ts';

/** How big the cluster is and what it runs. */
export interface SimClusterOptions {
  readonly controlPlanes?: number;
  readonly workers?: number;
  readonly kubernetes?: string;
  readonly talos?: string;
  /** The Secret with the cluster's Proxmox token (`spec.credentialsRef`); none: the worker's own token. */
  readonly credentialsSecret?: string;
}

/**
 * The objects of cluster `name` in 127.0.<net>.0/24: one MachineDeployment `<name>-md-0` (surge 1,
 * unavailable 0, the demo's md-1 is dropped), control planes upgraded InPlace (Talos upgrade API),
 * workers replaced (RollingUpdate). MachineDeployments name no version: they follow the cluster's.
 * The Cluster comes last, as in a file applied with `kubectl apply -f`.
 */
export function simClusterManifests(name: string, net: number, options: SimClusterOptions = {}): Manifest[] {
  const { controlPlanes = 1, workers = 2, kubernetes = 'v1.33.4', talos = 'v1.10.7', credentialsSecret } = options;
  const documents = demoManifests().filter((d) => d.metadata.name !== 'demo-md-1');
  for (const document of documents) {
    document.metadata = { ...document.metadata, name: document.metadata.name.replace(/^demo/, name) };
    delete document.metadata.namespace; // applied into the test's namespace
    const labels = (document.metadata as { labels?: Record<string, string> }).labels;
    if (labels) labels['cluster.x-k8s.io/cluster-name'] = name;
  }
  const cluster = manifest(documents, 'Cluster', name);
  at(cluster, 'spec.controlPlaneRef')['name'] = `${name}-control-plane`;
  at(cluster, 'spec.infrastructureRef')['name'] = name;

  // The simulators' addresses; the endpoint is reserved inside the pool.
  const proxmox = at(manifest(documents, 'ProxmoxCluster', name), 'spec');
  proxmox['controlPlaneEndpoint'] = { host: `127.0.${net}.10`, port: 6443 };
  proxmox['dnsServers'] = [`127.0.${net}.1`];
  proxmox['ipv4Config'] = { addresses: [`127.0.${net}.10-127.0.${net}.40`], prefix: 24, gateway: `127.0.${net}.1` };
  if (credentialsSecret === undefined) delete proxmox['credentialsRef'];
  else proxmox['credentialsRef'] = { name: credentialsSecret };

  for (const template of [`${name}-control-plane`, `${name}-workers`]) {
    const spec = at(manifest(documents, 'ProxmoxMachineTemplate', template), 'spec.template.spec');
    spec['memoryMiB'] = 2048;
    spec['numSockets'] = 1;
    delete spec['storage']; // clone onto the template's own (shared) storage
  }

  const tcp = manifest(documents, 'TalosControlPlane', `${name}-control-plane`);
  const tcpSpec = at(tcp, 'spec');
  tcpSpec['version'] = kubernetes;
  tcpSpec['replicas'] = controlPlanes;
  at(tcp, 'spec.infrastructureTemplate')['name'] = `${name}-control-plane`;
  at(tcp, 'spec.controlPlaneConfig.controlplane')['talosVersion'] = talos;
  tcpSpec['rolloutStrategy'] = { type: 'InPlace' };

  at(manifest(documents, 'TalosConfigTemplate', `${name}-workers`), 'spec.template.spec')['talosVersion'] = talos;

  const md = manifest(documents, 'MachineDeployment', `${name}-md-0`);
  const mdSpec = at(md, 'spec');
  mdSpec['clusterName'] = name;
  mdSpec['replicas'] = workers;
  mdSpec['selector'] = { matchLabels: { 'cluster.x-k8s.io/cluster-name': name } };
  const machine = at(md, 'spec.template.spec');
  machine['clusterName'] = name;
  delete machine['version'];
  machine['nodeDrainTimeout'] = '60s';
  at(md, 'spec.template.spec.bootstrap.configRef')['name'] = `${name}-workers`;
  at(md, 'spec.template.spec.infrastructureRef')['name'] = `${name}-workers`;

  return [...documents.filter((d) => d.kind !== 'Cluster'), cluster];
}

/** A copy of a ProxmoxMachineTemplate under a new name, edited: how CAPI users change a template (templates are immutable). */
export function renamedTemplate(
  documents: readonly Manifest[],
  from: string,
  to: string,
  edit: (spec: Record<string, unknown>) => void,
): Manifest {
  const copy = structuredClone(manifest(documents, 'ProxmoxMachineTemplate', from));
  copy.metadata = { ...copy.metadata, name: to };
  edit(at(copy, 'spec.template.spec'));
  return copy;
}
