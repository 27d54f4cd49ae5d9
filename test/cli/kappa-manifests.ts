// The CAPI objects of the CLI tests' cluster, sized for the simulators: one control plane and a
// MachineDeployment of two workers in 127.0.88.0/24, whose drains give up after two seconds.
import type { ClusterObjects } from '../../api/capi/to-desired-cluster.ts';
import { objectsFromManifests } from '../../api/capi/to-desired-cluster.ts';

/** A manifest as `kubectl apply` takes it. */
export interface KappaManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

const template = (name: string): KappaManifest => ({
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
  kind: 'ProxmoxMachineTemplate',
  metadata: { name },
  spec: {
    template: {
      spec: {
        sourceNode: 'pve1',
        templateID: 9000,
        numSockets: 1,
        numCores: 2,
        memoryMiB: 2048,
        disks: { bootVolume: { disk: 'scsi0', sizeGb: 20 } },
        network: { default: { bridge: 'vmbr0' } },
      },
    },
  },
});

/** The manifests of cluster `name` in net 127.0.<net>.0/24, Kubernetes `version`, `workers` workers. */
export function kappaManifests(
  name: string,
  net: number,
  options: { readonly version?: string; readonly workers?: number } = {},
): KappaManifest[] {
  const version = options.version ?? 'v1.33.4';
  return [
    {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name, labels: { 'cluster.x-k8s.io/cluster-name': name } },
      spec: {
        controlPlaneRef: { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3', kind: 'TalosControlPlane', name: `${name}-control-plane` },
        infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1', kind: 'ProxmoxCluster', name },
      },
    },
    {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
      kind: 'ProxmoxCluster',
      metadata: { name },
      spec: {
        allowedNodes: ['pve1', 'pve2', 'pve3'],
        ipv4Config: { addresses: [`127.0.${net}.10-127.0.${net}.30`], prefix: 24, gateway: `127.0.${net}.1` },
        dnsServers: [`127.0.${net}.1`],
      },
    },
    template(`${name}-control-plane`),
    template(`${name}-workers`),
    {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
      kind: 'TalosControlPlane',
      metadata: { name: `${name}-control-plane` },
      spec: {
        version,
        replicas: 1,
        infrastructureTemplate: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'ProxmoxMachineTemplate',
          name: `${name}-control-plane`,
        },
        controlPlaneConfig: { controlplane: { generateType: 'controlplane', talosVersion: 'v1.11.5' } },
      },
    },
    {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1alpha3',
      kind: 'TalosConfigTemplate',
      metadata: { name: `${name}-workers` },
      spec: { template: { spec: { generateType: 'worker', talosVersion: 'v1.11.5' } } },
    },
    {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'MachineDeployment',
      metadata: { name: `${name}-md-0`, labels: { 'cluster.x-k8s.io/cluster-name': name } },
      spec: {
        clusterName: name,
        replicas: options.workers ?? 2,
        template: {
          spec: {
            clusterName: name,
            version,
            nodeDrainTimeout: '2s',
            bootstrap: {
              configRef: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1alpha3', kind: 'TalosConfigTemplate', name: `${name}-workers` },
            },
            infrastructureRef: {
              apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
              kind: 'ProxmoxMachineTemplate',
              name: `${name}-workers`,
            },
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0, deletePolicy: 'Newest' } },
      },
    },
  ];
}

/** The manifests as the mapping reads them. */
export function kappaObjects(name: string, net: number, options: Parameters<typeof kappaManifests>[2] = {}): ClusterObjects {
  return objectsFromManifests(kappaManifests(name, net, options), 'default');
}
