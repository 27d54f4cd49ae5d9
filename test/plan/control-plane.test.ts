import { describe, expect, it } from 'vitest';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import {
  describeControlPlaneStep,
  planControlPlaneRollout,
  planControlPlaneScale,
  type ControlPlanePlan,
  type ControlPlaneTarget,
} from '../../plan/control-plane.ts';
import { controlPlane } from './machines.ts';
import type { ControlPlaneStep } from '../../api/cluster-plan.ts';

const cps = (count: number, overrides: Record<number, Partial<ObservedMachine>> = {}) =>
  Array.from({ length: count }, (_, i) => controlPlane(`cp-${i}`, { createdAt: `2026-01-0${i + 1}T00:00:00Z`, ...overrides[i] }));
const target = (replicas: number, extra: Partial<ControlPlaneTarget> = {}): ControlPlaneTarget => ({
  replicas,
  shapeHash: 'shape-a',
  kubernetesVersion: 'v1.33.4',
  ...extra,
});
const newShape = (replicas: number, extra: Partial<ControlPlaneTarget> = {}) => target(replicas, { shapeHash: 'shape-b', ...extra });
const lines = (plan: ControlPlanePlan) => (plan.ok ? plan.steps.map(describeControlPlaneStep) : plan.reason);

const snapshot = 'take an etcd snapshot';
const add = (n: number) => [
  `create new control-plane machine ${n}`,
  `wait until new control-plane machine ${n} is Ready and its etcd member healthy`,
];
const leave = (name: string) => [
  `move etcd leadership away from ${name}`,
  `remove ${name} from etcd (it leaves by itself)`,
  `delete machine ${name}`,
];
const evict = (name: string) => [`remove the etcd member of unhealthy ${name} through a healthy member`, `delete machine ${name}`];

/**
 * Replays steps against a model of etcd written apart from the planner: new members join as
 * learners, vote once healthy; every removal must keep a healthy majority of voters, and a machine
 * is only deleted after it left etcd.
 */
function assertQuorumSafe(machines: ObservedMachine[], steps: readonly ControlPlaneStep[]): void {
  const voters = new Map(machines.map((m) => [m.name, m.ready && m.phase === 'Running']));
  const hasQuorum = () => [...voters.values()].filter(Boolean).length > voters.size / 2;
  expect(steps[0]).toEqual({ kind: 'snapshot-etcd' });
  for (const step of steps) {
    expect(hasQuorum()).toBe(true);
    if (step.kind === 'wait-healthy' && 'created' in step.machine) voters.set(`new-${step.machine.created}`, true);
    if (step.kind === 'forfeit-leadership' || step.kind === 'leave-etcd') expect(voters.get(step.machine)).toBe(true);
    if (step.kind === 'leave-etcd' || step.kind === 'remove-etcd-member') {
      expect(voters.has(step.machine)).toBe(true);
      voters.delete(step.machine);
      expect(voters.size).toBeGreaterThan(0);
    }
    if (step.kind === 'delete-machine') expect(voters.has(step.machine)).toBe(false);
  }
  expect(hasQuorum()).toBe(true);
}

describe('planControlPlaneScale', () => {
  it.each<[string, number, ObservedMachine[], string[]]>([
    ['1 → 3: one member at a time, each healthy before the next', 3, cps(1), [snapshot, ...add(1), ...add(2)]],
    ['3 → 5', 5, cps(3), [snapshot, ...add(1), ...add(2)]],
    ['5 → 3: the oldest leave, each leaving etcd before its machine goes', 3, cps(5), [snapshot, ...leave('cp-0'), ...leave('cp-1')]],
    [
      '5 → 3 with an unhealthy member: it goes first, removed by its peers',
      3,
      cps(5, { 3: { ready: false } }),
      [snapshot, ...evict('cp-3'), ...leave('cp-0')],
    ],
    ['5 → 3 prefers outdated members', 3, cps(5, { 4: { shapeHash: 'shape-old' } }), [snapshot, ...leave('cp-4'), ...leave('cp-0')]],
    [
      '3 → 1 with one unhealthy member: it goes first, so the one left is healthy',
      1,
      cps(3, { 1: { phase: 'Failed', ready: false } }),
      [snapshot, ...evict('cp-1'), ...leave('cp-0')],
    ],
    [
      '5 → 3 with two unhealthy members: both go',
      3,
      cps(5, { 1: { ready: false }, 3: { phase: 'Failed', ready: false } }),
      [snapshot, ...evict('cp-1'), ...evict('cp-3')],
    ],
    [
      '3 → 3 with an interrupted removal: it is finished',
      3,
      [...cps(3), controlPlane('cp-9', { phase: 'Deleting', ready: false })],
      [snapshot, ...evict('cp-9')],
    ],
    ['nothing to do', 3, cps(3), []],
  ])('%s', (_name, replicas, machines, expected) => {
    const plan = planControlPlaneScale(target(replicas), machines);
    expect(lines(plan)).toEqual(expected);
    if (plan.ok && plan.steps.length > 0) assertQuorumSafe(machines, plan.steps);
  });

  it.each<[string, number, ObservedMachine[], string]>([
    [
      '3 → 1 when two members are unhealthy',
      1,
      cps(3, { 0: { ready: false }, 2: { ready: false } }),
      'etcd has lost quorum: 1 of 3 members healthy, 2 needed; restore it before changing the control plane',
    ],
    [
      '5 → 3 when three members are unhealthy',
      3,
      cps(5, { 0: { ready: false }, 1: { ready: false }, 2: { ready: false } }),
      'etcd has lost quorum: 2 of 5 members healthy, 3 needed; restore it before changing the control plane',
    ],
    [
      '7 → 5 when an unhealthy member would stay',
      5,
      cps(7, { 0: { ready: false }, 1: { ready: false }, 2: { ready: false } }),
      'cp-2 is unhealthy and would stay an etcd member; repair or replace it before changing the control plane',
    ],
    [
      '3 → 5 with an unhealthy member',
      5,
      cps(3, { 2: { ready: false } }),
      'cp-2 is unhealthy and would stay an etcd member; repair or replace it before changing the control plane',
    ],
    [
      '1 → 3 when the only member is unhealthy',
      3,
      cps(1, { 0: { ready: false } }),
      'etcd has lost quorum: 0 of 1 members healthy, 1 needed; restore it before changing the control plane',
    ],
    ['an empty control plane', 3, [], 'there is no control-plane machine to scale from; the cluster needs provisioning'],
  ])('refuses %s', (_name, replicas, machines, reason) => {
    expect(planControlPlaneScale(target(replicas), machines)).toEqual({ ok: false, reason });
  });
});

describe('planControlPlaneRollout', () => {
  it.each<[string, ControlPlaneTarget, ObservedMachine[], string[]]>([
    ['rollout of 1: the new member is healthy before the old one leaves', newShape(1), cps(1), [snapshot, ...add(1), ...leave('cp-0')]],
    [
      'rollout of 3, oldest first',
      newShape(3),
      cps(3),
      [snapshot, ...add(1), ...leave('cp-0'), ...add(2), ...leave('cp-1'), ...add(3), ...leave('cp-2')],
    ],
    [
      'rollout of 3 with maxSurge 0: each old member leaves before its replacement joins',
      newShape(3, { maxSurge: 0 }),
      cps(3),
      [snapshot, ...leave('cp-0'), ...add(1), ...leave('cp-1'), ...add(2), ...leave('cp-2'), ...add(3)],
    ],
    [
      'an unhealthy outdated member is removed before its replacement joins',
      newShape(3),
      cps(3, { 2: { ready: false } }),
      [snapshot, ...evict('cp-2'), ...add(1), ...add(2), ...leave('cp-0'), ...add(3), ...leave('cp-1')],
    ],
    [
      'a Kubernetes version change replaces only the members not on it',
      target(3, { kubernetesVersion: 'v1.34.2' }),
      cps(3, { 1: { kubernetesVersion: 'v1.34.2' } }),
      [snapshot, ...add(1), ...leave('cp-0'), ...add(2), ...leave('cp-2')],
    ],
    [
      'an interrupted replacement: the leftover is removed without a new one',
      newShape(3),
      [
        ...cps(3, { 0: { shapeHash: 'shape-b' }, 1: { shapeHash: 'shape-b' }, 2: { shapeHash: 'shape-b' } }),
        controlPlane('cp-9', { phase: 'Deleting' }),
      ],
      [snapshot, ...evict('cp-9')],
    ],
    ['nothing outdated', target(3), cps(3), []],
  ])('%s', (_name, t, machines, expected) => {
    const plan = planControlPlaneRollout(t, machines);
    expect(lines(plan)).toEqual(expected);
    if (plan.ok && plan.steps.length > 0) assertQuorumSafe(machines, plan.steps);
  });

  it('replaces every member of 5 and 7 with quorum kept at every step', () => {
    for (const size of [1, 3, 5, 7]) {
      const machines = cps(size);
      const plan = planControlPlaneRollout(newShape(size), machines);
      expect(plan.ok).toBe(true);
      if (!plan.ok) continue;
      assertQuorumSafe(machines, plan.steps);
      expect(plan.steps.filter((s) => s.kind === 'create-machine')).toHaveLength(size);
      expect(plan.steps.filter((s) => s.kind === 'leave-etcd')).toHaveLength(size);
    }
  });

  it.each<[string, ControlPlaneTarget, ObservedMachine[], string]>([
    [
      'an unhealthy member that is up to date',
      target(3, { kubernetesVersion: 'v1.34.2' }),
      cps(3, { 1: { kubernetesVersion: 'v1.34.2', ready: false } }),
      'cp-1 is unhealthy and would stay an etcd member; repair or replace it before changing the control plane',
    ],
    [
      'lost quorum',
      newShape(3),
      cps(3, { 0: { ready: false }, 1: { ready: false } }),
      'etcd has lost quorum: 1 of 3 members healthy, 2 needed; restore it before changing the control plane',
    ],
    [
      'maxSurge 0 on one replica',
      newShape(1, { maxSurge: 0 }),
      cps(1),
      'control-plane maxSurge 0 needs at least 3 replicas: a smaller etcd cannot lose a member first',
    ],
    ['maxSurge 2', newShape(3, { maxSurge: 2 }), cps(3), 'control-plane maxSurge must be 0 or 1, not 2'],
    [
      'a single unhealthy member (it cannot be removed first)',
      newShape(1),
      cps(1, { 0: { ready: false } }),
      'etcd has lost quorum: 0 of 1 members healthy, 1 needed; restore it before changing the control plane',
    ],
  ])('refuses %s', (_name, t, machines, reason) => {
    expect(planControlPlaneRollout(t, machines)).toEqual({ ok: false, reason });
  });

  it('returns plain JSON steps', () => {
    const plan = planControlPlaneRollout(newShape(1), cps(1));
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan).toEqual({
      ok: true,
      steps: [
        { kind: 'snapshot-etcd' },
        { kind: 'create-machine', role: 'control-plane', created: 1 },
        { kind: 'wait-healthy', machine: { created: 1 } },
        { kind: 'forfeit-leadership', machine: 'cp-0' },
        { kind: 'leave-etcd', machine: 'cp-0' },
        { kind: 'delete-machine', machine: 'cp-0' },
      ],
    });
  });
});
