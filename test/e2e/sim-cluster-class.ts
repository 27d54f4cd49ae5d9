// The ClusterClass of test/api/capi/fixtures/cluster-class.yaml adapted to the simulators, and
// Clusters made from it: template VM 9000 (the fixture's), the worker's own Proxmox token (no
// credentialsRef), control planes upgraded InPlace, VMs sized for a test, drains short.
import { at, loadManifests, manifest, type Manifest } from '../api/capi/manifests.ts';

export const simClassName = 'talos-proxmox';
/** The ProxmoxMachineTemplate the class names for its default-worker MachineDeployments. */
export const simWorkerTemplate = 'talos-proxmox-worker';

/** The class and its templates, without the fixture's Clusters and namespace. */
export function simClusterClass(): Manifest[] {
  const documents = loadManifests('cluster-class.yaml').filter((d) => d.kind !== 'Cluster');
  for (const document of documents) delete document.metadata.namespace; // applied into the test's namespace
  const worker = at(manifest(documents, 'ClusterClass', simClassName), 'spec.workers') as { machineDeployments: Record<string, unknown>[] };
  worker.machineDeployments[0]!['nodeDrainTimeout'] = '60s';
  delete at(manifest(documents, 'ProxmoxClusterTemplate', simClassName), 'spec.template.spec')['credentialsRef'];
  at(manifest(documents, 'TalosControlPlaneTemplate', `${simClassName}-control-plane`), 'spec.template.spec')['rolloutStrategy'] = {
    type: 'InPlace',
  };
  for (const template of [`${simClassName}-control-plane`, simWorkerTemplate])
    at(manifest(documents, 'ProxmoxMachineTemplate', template), 'spec.template.spec')['memoryMiB'] = 2048;
  return documents;
}

/** What a Cluster made from the class runs. */
export interface SimTopologyOptions {
  readonly kubernetes: string;
  readonly talos: string;
}

/** The variables of a Cluster in 127.0.<net>.0/24: its endpoint reserved inside its pool. */
export function simTopologyVariables(net: number, talos: string): Record<string, unknown>[] {
  return [
    { name: 'controlPlaneEndpoint', value: { host: `127.0.${net}.10`, port: 6443 } },
    { name: 'ipv4Pool', value: { addresses: [`127.0.${net}.10-127.0.${net}.40`], prefix: 24, gateway: `127.0.${net}.1` } },
    { name: 'dnsServers', value: [`127.0.${net}.1`] },
    { name: 'talosVersion', value: talos },
  ];
}

/** A Cluster named `name` made from the class: one control plane and one worker (`md-0`). */
export function simTopologyCluster(name: string, net: number, options: SimTopologyOptions): Manifest {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: { name },
    spec: {
      clusterNetwork: { pods: { cidrBlocks: ['10.244.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] } },
      topology: {
        class: simClassName,
        version: options.kubernetes,
        controlPlane: { replicas: 1 },
        workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 1 }] },
        variables: simTopologyVariables(net, options.talos),
      },
    },
  };
}
