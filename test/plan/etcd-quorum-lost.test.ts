import { describe, expect, it } from 'vitest';
import type { ClusterObservation, MachineObservation } from '../../api/observation.ts';
import { etcdQuorumLost } from '../../plan/etcd-quorum-lost.ts';

const controlPlane = (name: string): MachineObservation => ({
  name,
  role: 'control-plane',
  labels: {},
  createdAt: '2026-12-05T10:00:00Z',
  deleting: false,
  bootstrap: name === 'cp-1',
  intent: { kubernetesVersion: 'v1.34.2', talosVersion: 'v1.11.5', shapeHash: 'h' },
  hadNode: true,
});
const observation = (over: Partial<ClusterObservation>): ClusterObservation => ({
  at: '2026-12-05T12:00:00Z',
  machines: ['cp-1', 'cp-2', 'cp-3'].map(controlPlane),
  strayVms: [],
  controlPlaneInitialized: true,
  kubernetesApi: 'unreachable',
  ...over,
});
const preparing = (machine: string) => ({ machine, state: 'Preparing', message: 'Running pre state' });

describe('etcd quorum lost for good', () => {
  it('is reported when every control plane answers and none runs etcd, naming what each says and the way back', () => {
    const lost = etcdQuorumLost(observation({ etcdServices: ['cp-1', 'cp-2', 'cp-3'].map(preparing) }), 'demo');
    expect(lost).toBe(
      'etcd lost its quorum for good: no control plane runs an etcd member (cp-1 Preparing (Running pre state), ' +
        'cp-2 Preparing (Running pre state), cp-3 Preparing (Running pre state)); ' +
        "the cluster's data is gone until it is restored from a snapshot: capstan etcd restore demo",
    );
  });

  it('is not reported while a member list answers', () => {
    const members = [{ id: '1', name: 'cp-1', learner: false }];
    expect(etcdQuorumLost(observation({ etcdMembers: members, etcdServices: ['cp-2', 'cp-3'].map(preparing) }), 'demo')).toBeUndefined();
  });

  it('is not reported while some control plane does not answer (its data may be intact)', () => {
    expect(etcdQuorumLost(observation({ etcdServices: ['cp-1', 'cp-2'].map(preparing) }), 'demo')).toBeUndefined();
  });

  it('is not reported while one etcd still runs (starting again after an outage)', () => {
    const services = [preparing('cp-1'), preparing('cp-2'), { machine: 'cp-3', state: 'Running' }];
    expect(etcdQuorumLost(observation({ etcdServices: services }), 'demo')).toBeUndefined();
  });

  it('is not reported before the bootstrap (every etcd waits for it then)', () => {
    const services = ['cp-1', 'cp-2', 'cp-3'].map(preparing);
    expect(etcdQuorumLost(observation({ controlPlaneInitialized: false, etcdServices: services }), 'demo')).toBeUndefined();
  });

  it('ignores control planes being deleted', () => {
    const machines = [controlPlane('cp-1'), { ...controlPlane('cp-2'), deleting: true }];
    expect(etcdQuorumLost(observation({ machines, etcdServices: [preparing('cp-1')] }), 'demo')).toMatch(/^etcd lost its quorum/);
  });
});
