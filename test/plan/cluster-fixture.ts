import { DesiredCluster, type DesiredClusterInput } from '../../api/desired-cluster.ts';
import type { ObservedCluster, ObservedMachine } from '../../api/observed-cluster.ts';
import { shapeHash } from '../../plan/shape-hash.ts';
import { catalog } from './catalog-fixture.ts';
import { controlPlane, machine } from './machines.ts';

/** The VM shape of every machine of the fixture cluster. */
export const shape = { cores: 2, memoryMiB: 4096, diskGiB: 20, templateVmid: 9000 };

/** default/demo: 3 control planes and md-0 with 2 workers on Kubernetes v1.33.4 / Talos v1.11.5. */
export function desired(overrides: Partial<DesiredClusterInput> = {}): DesiredCluster {
  return DesiredCluster.parse({
    namespace: 'default',
    name: 'demo',
    generation: 4,
    kubernetesVersion: 'v1.33.4',
    talosVersion: 'v1.11.5',
    controlPlane: { replicas: 3, machine: shape },
    machineDeployments: [{ name: 'md-0', replicas: 2, machine: shape, deletePolicy: 'Oldest' }],
    proxmox: { allowedNodes: ['pve1'] },
    network: { poolName: 'demo', ipv4Pool: { addresses: ['10.0.0.10-10.0.0.50'], prefix: 24 } },
    versionCatalog: catalog,
    ...overrides,
  });
}

/** The machines of a cluster that matches `desired()` exactly, changed by `edit`. */
export function observed(edit: (m: ObservedMachine) => ObservedMachine = (m) => m): ObservedCluster {
  const hash = shapeHash(desired().controlPlane.machine);
  const day = (n: number) => `2026-01-0${n}T00:00:00Z`;
  const machines = [
    ...[0, 1, 2].map((i) => controlPlane(`cp-${i}`, { shapeHash: hash, createdAt: day(i + 1) })),
    ...[0, 1].map((i) => machine(`md-0-${i}`, { shapeHash: hash, createdAt: day(i + 4) })),
  ];
  return { machines: machines.map(edit), bootstrapped: true, controlPlaneEndpoint: '10.0.0.10:6443' };
}
