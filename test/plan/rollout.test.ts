import { describe, expect, it } from 'vitest';
import type { IntOrPercent } from '../../api/desired-cluster.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { resolveFenceposts, rolloutStep, type RolloutTarget } from '../../plan/rollout.ts';
import { machine, machines } from './machines.ts';

const target = (replicas: number, maxSurge: IntOrPercent, maxUnavailable: IntOrPercent): RolloutTarget => ({
  replicas,
  shapeHash: 'shape-b',
  kubernetesVersion: 'v1.33.4',
  maxSurge,
  maxUnavailable,
  deletePolicy: 'Oldest',
  seed: 'seed',
});
const fresh = (name: string, overrides: Partial<ObservedMachine> = {}) =>
  machine(name, { shapeHash: 'shape-b', createdAt: '2026-03-01T00:00:00Z', ...overrides });
const isAvailable = (m: ObservedMachine) => m.phase === 'Running' && m.ready;
const availableCount = (fleet: readonly ObservedMachine[]) => fleet.filter(isAvailable).length;

describe('resolveFenceposts', () => {
  it.each<[IntOrPercent, IntOrPercent, number, number, number]>([
    [1, 0, 3, 1, 0],
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 4, 1, 1],
    ['50%', '50%', 5, 3, 2],
    ['100%', 0, 7, 7, 0],
    [0, 5, 3, 0, 3],
    [1, 1, 0, 1, 0],
    // Rounding alone made both zero: Kubernetes and CAPI allow one unavailable so the rollout progresses.
    [0, '25%', 3, 0, 1],
    ['0%', '10%', 5, 0, 1],
  ])(
    'maxSurge %s, maxUnavailable %s of %i replicas → surge %i, unavailable %i',
    (surge, unavailable, replicas, maxSurge, maxUnavailable) => {
      expect(resolveFenceposts(surge, unavailable, replicas)).toEqual({ ok: true, maxSurge, maxUnavailable });
    },
  );

  it.each<[IntOrPercent, IntOrPercent, string]>([
    [0, 0, 'maxSurge (0) and maxUnavailable (0) cannot both be 0: the rollout could never replace a machine'],
    ['0%', 0, 'maxSurge (0%) and maxUnavailable (0) cannot both be 0: the rollout could never replace a machine'],
    [0, '0%', 'maxSurge (0) and maxUnavailable (0%) cannot both be 0: the rollout could never replace a machine'],
    [1, '150%', 'maxUnavailable (150%) cannot be more than 100%'],
  ])('refuses maxSurge %s, maxUnavailable %s', (surge, unavailable, reason) => {
    expect(resolveFenceposts(surge, unavailable, 3)).toEqual({ ok: false, reason });
  });
});

describe('rolloutStep', () => {
  it.each<[string, RolloutTarget, ObservedMachine[], { create: number; delete: string[]; done: boolean }]>([
    ['surge 1 / unavailable 0 starts by adding one machine', target(3, 1, 0), machines('old', 3), { create: 1, delete: [], done: false }],
    [
      'surge 1 / unavailable 0 deletes the oldest once the new one is Ready',
      target(3, 1, 0),
      [...machines('old', 3), fresh('new-0')],
      { create: 0, delete: ['old-0'], done: false },
    ],
    [
      'surge 1 / unavailable 0 waits while the new one is not Ready',
      target(3, 1, 0),
      [...machines('old', 3), fresh('new-0', { ready: false, phase: 'Provisioning' })],
      { create: 0, delete: [], done: false },
    ],
    ['surge 0 / unavailable 1 starts by deleting one', target(3, 0, 1), machines('old', 3), { create: 0, delete: ['old-0'], done: false }],
    [
      '25% / 25% of 4 adds one and deletes one at once',
      target(4, '25%', '25%'),
      machines('old', 4),
      { create: 1, delete: ['old-0'], done: false },
    ],
    [
      'surge 3 / unavailable 3 of 3 replaces everything at once',
      target(3, 3, 3),
      machines('old', 3),
      { create: 3, delete: ['old-0', 'old-1', 'old-2'], done: false },
    ],
    [
      'an unready old machine goes before healthy ones (cleanupUnhealthyReplicas)',
      target(3, 1, 0),
      [...machines('old', 3).map((m) => (m.name === 'old-1' ? { ...m, ready: false } : m)), fresh('new-0')],
      { create: 0, delete: ['old-1'], done: false },
    ],
    [
      'a shrinking group rolls and scales down together',
      target(2, 2, 0),
      machines('old', 3),
      { create: 1, delete: ['old-0'], done: false },
    ],
    [
      'too many new machines: the surplus goes',
      target(1, 1, 0),
      [fresh('new-0', { createdAt: '2026-03-01T00:00:00Z' }), fresh('new-1', { createdAt: '2026-03-02T00:00:00Z' })],
      { create: 0, delete: ['new-0'], done: false },
    ],
    [
      'a machine still being deleted counts toward maxSurge',
      target(3, 1, 0),
      [fresh('new-0'), fresh('new-1'), machine('old-0'), machine('old-1', { phase: 'Deleting', ready: false })],
      { create: 0, delete: [], done: false },
    ],
    [
      'a changed Kubernetes version makes machines outdated too',
      { ...target(1, 1, 0), shapeHash: 'shape-a', kubernetesVersion: 'v1.34.2' },
      [machine('old-0')],
      { create: 1, delete: [], done: false },
    ],
    [
      'done when every machine is up to date and Ready',
      target(2, 1, 0),
      [fresh('new-0'), fresh('new-1')],
      { create: 0, delete: [], done: true },
    ],
    ['done at zero replicas with nothing left', target(0, 1, 0), [], { create: 0, delete: [], done: true }],
  ])('%s', (_name, t, fleet, batch) => {
    expect(rolloutStep(t, fleet)).toEqual({ ok: true, ...batch });
  });

  it('refuses both fenceposts given as zero', () => {
    expect(rolloutStep(target(3, 0, '0%'), machines('old', 3))).toEqual({
      ok: false,
      reason: 'maxSurge (0) and maxUnavailable (0%) cannot both be 0: the rollout could never replace a machine',
    });
  });
});

// Plain checks in the hot loop: thousands of simulated batches, and vitest's expect costs microseconds each.
function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

interface Mode {
  /** Machines become Ready one round after they are created (1) or right after the batch (0). */
  readyDelay: 0 | 1;
  /** Deleted machines linger one round in Deleting (1) or vanish at once (0). */
  deleteDelay: 0 | 1;
}

/** Runs rolloutStep to completion like the workflow would, asserting the strategy's bounds after every batch. */
function simulate(
  t: RolloutTarget,
  initial: ObservedMachine[],
  mode: Mode,
): { batches: [number, string[]][]; created: number; fleet: ObservedMachine[] } {
  const fence = resolveFenceposts(t.maxSurge, t.maxUnavailable, t.replicas);
  if (!fence.ok) throw new Error(fence.reason);
  const maxTotal = Math.max(initial.length, t.replicas + fence.maxSurge);
  let fleet = initial;
  let created = 0;
  const batches: [number, string[]][] = [];
  for (let round = 0; round < 100; round += 1) {
    const step = rolloutStep(t, fleet);
    if (!step.ok) throw new Error(step.reason);
    if (step.done) return { batches, created, fleet };
    batches.push([step.create, [...step.delete]]);
    const before = availableCount(fleet);
    const present = new Set(fleet.map((m) => m.name));
    const wasDeleting = new Set(fleet.filter((m) => m.phase === 'Deleting').map((m) => m.name));
    assert(new Set(step.delete).size === step.delete.length, 'a machine is deleted twice in one batch');
    for (const name of step.delete)
      assert(
        fleet.some((m) => m.name === name && m.phase !== 'Deleting'),
        `${name} is not there to delete`,
      );
    fleet = fleet
      .filter((m) => mode.deleteDelay === 1 || !step.delete.includes(m.name))
      .map((m) => (step.delete.includes(m.name) ? { ...m, phase: 'Deleting' as const, ready: false } : m));
    for (let i = 0; i < step.create; i += 1) fleet.push(fresh(`new-${created++}`, { phase: 'Provisioning', ready: false }));
    // The worst moment: the batch is out, nothing new is Ready yet.
    assert(fleet.length <= maxTotal, `${fleet.length} machines, more than ${maxTotal}`);
    const floor = Math.min(before, t.replicas - fence.maxUnavailable);
    assert(availableCount(fleet) >= floor, `${availableCount(fleet)} machines available, fewer than ${floor}`);
    // Time passes: deletions finish, new machines boot.
    fleet = fleet
      .filter((m) => !wasDeleting.has(m.name))
      .map((m) =>
        m.phase === 'Provisioning' && (mode.readyDelay === 0 || present.has(m.name)) ? { ...m, phase: 'Running' as const, ready: true } : m,
      );
  }
  throw new Error(`no convergence: ${JSON.stringify(fleet.map((m) => [m.name, m.shapeHash, m.phase, m.ready]))}`);
}

const fenceValues: IntOrPercent[] = [0, 1, 2, 3, '25%', '50%', '100%'];
const combos = fenceValues.flatMap((surge) => fenceValues.map((unavailable) => [surge, unavailable] as const));
const modes: Mode[] = [
  { readyDelay: 0, deleteDelay: 0 },
  { readyDelay: 1, deleteDelay: 0 },
  { readyDelay: 0, deleteDelay: 1 },
  { readyDelay: 1, deleteDelay: 1 },
];
const scenarios = (replicas: number): [string, ObservedMachine[]][] => [
  ['all outdated', machines('old', replicas)],
  ['all outdated, one more than wanted', machines('old', replicas + 1)],
  [
    'half done, one old machine not Ready',
    [
      ...Array.from({ length: Math.ceil(replicas / 2) }, (_, i) => fresh(`done-${i}`)),
      ...machines('old', Math.floor(replicas / 2)).map((m, i) => (i === 0 ? { ...m, ready: false } : m)),
    ],
  ],
];

describe('rolloutStep converges within maxSurge / maxUnavailable', () => {
  it.each(combos)('maxSurge %s, maxUnavailable %s, replicas 0..7', (surge, unavailable) => {
    for (let replicas = 0; replicas <= 7; replicas += 1) {
      const t = target(replicas, surge, unavailable);
      if (!resolveFenceposts(surge, unavailable, replicas).ok) {
        expect(rolloutStep(t, machines('old', replicas)).ok).toBe(false);
        continue;
      }
      for (const [, initial] of scenarios(replicas)) {
        const initialFresh = initial.filter((m) => m.shapeHash === 'shape-b').length;
        for (const mode of modes) {
          const result = simulate(t, initial, mode);
          expect(result.fleet.filter((m) => m.phase !== 'Deleting')).toHaveLength(replicas);
          expect(result.fleet.every((m) => m.phase === 'Deleting' || (m.shapeHash === 'shape-b' && isAvailable(m)))).toBe(true);
          // Never a machine more than needed.
          expect(result.created).toBe(replicas - initialFresh);
        }
      }
    }
  });

  it('surge 1 / unavailable 0 on 3 replicas: add one, delete the oldest, three times', () => {
    expect(simulate(target(3, 1, 0), machines('old', 3), { readyDelay: 0, deleteDelay: 0 }).batches).toEqual([
      [1, []],
      [0, ['old-0']],
      [1, []],
      [0, ['old-1']],
      [1, []],
      [0, ['old-2']],
    ]);
  });

  it('surge 0 / unavailable 2 on 5 replicas: two out, two in', () => {
    expect(simulate(target(5, 0, 2), machines('old', 5), { readyDelay: 0, deleteDelay: 0 }).batches).toEqual([
      [0, ['old-0', 'old-1']],
      [2, []],
      [0, ['old-2', 'old-3']],
      [2, []],
      [0, ['old-4']],
      [1, []],
    ]);
  });
});
