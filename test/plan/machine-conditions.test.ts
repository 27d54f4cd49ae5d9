import { describe, expect, it } from 'vitest';
import type { MachineObservation, NodeObservation } from '../../api/observation.ts';
import { machineConditions, stampConditions, type MachineConditionFacts } from '../../plan/machine-conditions.ts';

const readyNode: NodeObservation = {
  ready: 'True',
  kubeletVersion: 'v1.33.4',
  unschedulable: false,
  conditions: [
    { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00.000Z', reason: 'KubeletReady' },
    { type: 'MemoryPressure', status: 'False', lastTransitionTime: '2025-01-01T00:00:00.000Z' },
    { type: 'NetworkUnavailable', status: 'False', lastTransitionTime: '2025-01-01T00:00:00.000Z' },
  ],
};

/** A healthy running worker; cases change one thing. */
const worker: MachineObservation = {
  name: 'demo-md-0-abcde',
  role: 'worker',
  deployment: 'demo-md-0',
  labels: {},
  createdAt: '2025-01-01T00:00:00.000Z',
  deleting: false,
  bootstrap: false,
  intent: { kubernetesVersion: 'v1.33.4', talosVersion: 'v1.11.5', shapeHash: 'abc' },
  providerID: 'proxmox://0b9f6a4e-1111-2222-3333-444455556666',
  vm: { node: 'pve1', vmid: 10042, status: 'running' },
  address: { ip: '10.0.0.21', prefix: 24, dns: [] },
  talos: { reachable: true, version: 'v1.11.5' },
  node: readyNode,
  hadNode: true,
};
const controlPlane: MachineObservation = {
  ...worker,
  name: 'demo-cp-fghij',
  role: 'control-plane',
  etcd: { id: '42', learner: false, healthy: true },
};
const reachable: MachineConditionFacts = { kubernetesApi: 'reachable', etcdMembersKnown: true, bootstrapDataExists: true };

type Case = [string, MachineObservation, MachineConditionFacts, Record<string, [string, string]>];

const cases: Case[] = [
  [
    'a healthy worker: everything True',
    worker,
    reachable,
    {
      InfrastructureReady: ['True', 'Ready'],
      BootstrapConfigReady: ['True', 'DataSecretProvided'],
      NodeReady: ['True', 'NodeReady'],
      NodeHealthy: ['True', 'NodeHealthy'],
      Ready: ['True', 'Ready'],
    },
  ],
  [
    'a healthy control plane adds EtcdMemberHealthy',
    controlPlane,
    reachable,
    { EtcdMemberHealthy: ['True', 'Healthy'], Ready: ['True', 'Ready'] },
  ],
  [
    'intent only (no VM, never cloned): Provisioning, no Node yet',
    { ...worker, providerID: undefined, vm: undefined, talos: undefined, node: undefined, hadNode: false },
    { kubernetesApi: 'none', etcdMembersKnown: false, bootstrapDataExists: false },
    {
      InfrastructureReady: ['False', 'Provisioning'],
      BootstrapConfigReady: ['False', 'WaitingForBootstrapData'],
      NodeReady: ['False', 'NodeNotFound'],
      Ready: ['False', 'NotReady'],
    },
  ],
  [
    'VM destroyed behind our back (had a providerID): VMNotFound, its Node deleted',
    { ...worker, vm: undefined, talos: { reachable: false, problem: 'the machine has no VM' }, node: undefined },
    reachable,
    { InfrastructureReady: ['False', 'VMNotFound'], NodeReady: ['False', 'NodeDeleted'], NodeHealthy: ['False', 'NodeDeleted'] },
  ],
  [
    'VM stopped: VMStopped; Node NotReady mirrored with its reason',
    {
      ...worker,
      vm: { node: 'pve1', vmid: 10042, status: 'stopped' },
      node: {
        ...readyNode,
        ready: 'Unknown',
        conditions: [{ type: 'Ready', status: 'Unknown', lastTransitionTime: '', reason: 'NodeStatusUnknown' }],
      },
    },
    reachable,
    { InfrastructureReady: ['False', 'VMStopped'], NodeReady: ['Unknown', 'NodeReadyUnknown'], Ready: ['False', 'NotReady'] },
  ],
  [
    'workload API unreachable: Node conditions Unknown (never concluded gone)',
    { ...worker, node: undefined },
    { ...reachable, kubernetesApi: 'unreachable' },
    { NodeReady: ['Unknown', 'ConnectionDown'], NodeHealthy: ['Unknown', 'ConnectionDown'], Ready: ['Unknown', 'ReadyUnknown'] },
  ],
  ['Node never joined: NodeNotFound', { ...worker, node: undefined, hadNode: false }, reachable, { NodeReady: ['False', 'NodeNotFound'] }],
  [
    'Node NotReady',
    {
      ...worker,
      node: {
        ...readyNode,
        ready: 'False',
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '', reason: 'KubeletNotReady' }],
      },
    },
    reachable,
    { NodeReady: ['False', 'NodeNotReady'], NodeHealthy: ['True', 'NodeHealthy'] },
  ],
  [
    'memory pressure: NodeHealthy False',
    {
      ...worker,
      node: { ...readyNode, conditions: [...readyNode.conditions, { type: 'MemoryPressure', status: 'True', lastTransitionTime: '' }] },
    },
    reachable,
    { NodeReady: ['True', 'NodeReady'], NodeHealthy: ['False', 'NodeNotHealthy'], Ready: ['False', 'NotReady'] },
  ],
  [
    'network unavailable: NodeHealthy False',
    { ...worker, node: { ...readyNode, conditions: [{ type: 'NetworkUnavailable', status: 'True', lastTransitionTime: '' }] } },
    reachable,
    { NodeHealthy: ['False', 'NodeNotHealthy'] },
  ],
  [
    'Talos not reachable but its config Secret exists: BootstrapConfigReady stays True',
    { ...worker, talos: { reachable: false, problem: 'timeout' } },
    reachable,
    { BootstrapConfigReady: ['True', 'DataSecretProvided'] },
  ],
  [
    'control plane not a member',
    { ...controlPlane, etcd: undefined },
    reachable,
    { EtcdMemberHealthy: ['False', 'NotAMember'], Ready: ['False', 'NotReady'] },
  ],
  [
    'control plane still a learner',
    { ...controlPlane, etcd: { id: '42', learner: true, healthy: true } },
    reachable,
    { EtcdMemberHealthy: ['False', 'Learner'] },
  ],
  [
    'control plane member not healthy',
    { ...controlPlane, etcd: { id: '42', learner: false, healthy: false, problem: 'etcdserver: no leader' } },
    reachable,
    { EtcdMemberHealthy: ['False', 'NotHealthy'] },
  ],
  [
    'no control plane answered the member list: membership Unknown',
    { ...controlPlane, etcd: undefined },
    { ...reachable, etcdMembersKnown: false },
    { EtcdMemberHealthy: ['Unknown', 'InspectionFailed'], Ready: ['Unknown', 'ReadyUnknown'] },
  ],
  [
    'being deleted: Ready False Deleting whatever else holds',
    { ...worker, deleting: true },
    reachable,
    { InfrastructureReady: ['True', 'Ready'], Ready: ['False', 'Deleting'] },
  ],
];

describe('machineConditions', () => {
  it.each(cases)('%s', (_, machine, facts, expected) => {
    const conditions = machineConditions(machine, facts);
    const byType = Object.fromEntries(conditions.map((c) => [c.type, [c.status, c.reason]]));
    expect(byType).toMatchObject(expected);
  });

  it('lists the conditions in a fixed order, EtcdMemberHealthy only for control planes, Ready last', () => {
    expect(machineConditions(worker, reachable).map((c) => c.type)).toEqual([
      'InfrastructureReady',
      'BootstrapConfigReady',
      'NodeReady',
      'NodeHealthy',
      'Ready',
    ]);
    expect(machineConditions(controlPlane, reachable).map((c) => c.type)).toContain('EtcdMemberHealthy');
  });

  it("names what is not ready in Ready's message", () => {
    const ready = machineConditions({ ...worker, vm: { node: 'pve2', vmid: 7, status: 'stopped' } }, reachable).at(-1);
    expect(ready?.message).toContain('InfrastructureReady: VM 7 on pve2 is stopped');
  });
});

describe('stampConditions', () => {
  const previous = [
    { type: 'NodeReady', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
    { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
  ];
  const now = '2025-02-02T00:00:00Z';

  it.each([
    [
      'keeps the time when the status stays (even with a new message)',
      { type: 'NodeReady', status: 'True', reason: 'NodeReady', message: 'new' },
      '2025-01-01T00:00:00Z',
    ],
    ['takes now when the status changed', { type: 'Ready', status: 'False', reason: 'NotReady' }, now],
    ['takes now for a new condition', { type: 'NodeHealthy', status: 'True', reason: 'NodeHealthy' }, now],
  ] as const)('%s', (_, condition, expected) => {
    expect(stampConditions([condition], previous, now)[0]?.lastTransitionTime).toBe(expected);
  });
});
