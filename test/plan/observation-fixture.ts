import type { ClusterObservation, MachineObservation } from '../../api/observation.ts';
import { shapeHash } from '../../plan/shape-hash.ts';
import { shape } from './cluster-fixture.ts';

const hash = shapeHash({ ...shape, sockets: 1, bridge: 'vmbr0', installDisk: '/dev/sda' });

/** A running, joined, healthy machine as one observation sees it, unless told otherwise. */
export function seen(name: string, overrides: Partial<MachineObservation> = {}): MachineObservation {
  const controlPlane = overrides.role === 'control-plane';
  return {
    name,
    role: 'worker',
    deployment: 'md-0',
    labels: controlPlane ? { 'cluster.x-k8s.io/control-plane': '' } : { 'cluster.x-k8s.io/deployment-name': 'md-0' },
    createdAt: '2026-01-01T00:00:00Z',
    deleting: false,
    bootstrap: false,
    intent: { kubernetesVersion: 'v1.33.4', talosVersion: 'v1.11.5', shapeHash: hash },
    providerID: `proxmox://uuid-${name}`,
    vm: { node: 'pve1', vmid: 100 + name.length, status: 'running' },
    address: { ip: '10.0.0.20', prefix: 24, dns: [] },
    talos: { reachable: true, version: 'v1.11.5' },
    node: {
      ready: 'True',
      kubeletVersion: 'v1.33.4',
      unschedulable: false,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:05:00Z' }],
    },
    hadNode: true,
    infrastructureReadySince: '2026-01-01T00:01:00Z',
    ...(controlPlane ? { deployment: undefined, etcd: { id: `id-${name}`, learner: false, healthy: true } } : {}),
    ...overrides,
  };
}

/** A control plane of the observation fixture. */
export const seenControlPlane = (name: string, overrides: Partial<MachineObservation> = {}): MachineObservation =>
  seen(name, { role: 'control-plane', ...overrides });

/** An observation of these machines (etcd members: the control planes with an `etcd` entry). */
export function observation(machines: readonly MachineObservation[], overrides: Partial<ClusterObservation> = {}): ClusterObservation {
  return {
    at: '2026-01-02T00:00:00Z',
    machines,
    strayVms: [],
    etcdMembers: machines.flatMap((m) => (m.etcd ? [{ id: m.etcd.id, name: m.name, learner: m.etcd.learner }] : [])),
    controlPlaneInitialized: true,
    controlPlaneEndpoint: '10.0.0.10',
    kubernetesApi: 'reachable',
    ...overrides,
  };
}
