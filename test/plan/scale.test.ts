import { describe, expect, it } from 'vitest';
import type { DeletePolicy } from '../../api/desired-cluster.ts';
import { orderForDeletion, planScale } from '../../plan/scale.ts';
import { machine, machines } from './machines.ts';

// md-0 … md-4, created on Jan 1…5; md-3 is not Ready and md-1 has Failed.
const group = machines('md', 5).map((m) =>
  m.name === 'md-3' ? { ...m, ready: false } : m.name === 'md-1' ? { ...m, phase: 'Failed' as const, ready: false } : m,
);
const names = (list: readonly { name: string }[]) => list.map((m) => m.name);

describe('orderForDeletion', () => {
  it.each<[DeletePolicy, string[]]>([
    ['Oldest', ['md-1', 'md-3', 'md-0', 'md-2', 'md-4']],
    ['Newest', ['md-3', 'md-1', 'md-4', 'md-2', 'md-0']],
  ])('%s: unhealthy machines first, then by age', (policy, order) => {
    expect(names(orderForDeletion(group, policy, 'seed'))).toEqual(order);
  });

  it('Random: unhealthy first, the rest in an order fixed by the seed', () => {
    const order = names(orderForDeletion(group, 'Random', 'cluster/default/demo/3'));
    expect(order.slice(0, 2).sort()).toEqual(['md-1', 'md-3']);
    expect(order.slice(2).sort()).toEqual(['md-0', 'md-2', 'md-4']);
    expect(names(orderForDeletion([...group].reverse(), 'Random', 'cluster/default/demo/3'))).toEqual(order);
  });

  it('Random: different seeds pick different machines', () => {
    const healthy = machines('w', 6);
    const firsts = new Set(Array.from({ length: 20 }, (_, i) => orderForDeletion(healthy, 'Random', `seed-${i}`)[0]?.name));
    expect(firsts.size).toBeGreaterThan(2);
  });

  it('leaves out machines already being deleted and does not reorder its input', () => {
    const input = [machine('a', { phase: 'Deleting' }), machine('b'), machine('c', { ready: false })];
    expect(names(orderForDeletion(input, 'Oldest', 's'))).toEqual(['c', 'b']);
    expect(names(input)).toEqual(['a', 'b', 'c']);
  });

  it('a provisioning machine counts as unhealthy', () => {
    expect(
      names(
        orderForDeletion(
          [machine('old'), machine('new', { phase: 'Provisioning', ready: true, createdAt: '2026-02-01T00:00:00Z' })],
          'Oldest',
          's',
        ),
      ),
    ).toEqual(['new', 'old']);
  });
});

describe('planScale', () => {
  it.each<[string, number, DeletePolicy, { create: number; delete: string[] }]>([
    ['scale up 5 → 7', 7, 'Oldest', { create: 2, delete: [] }],
    ['no change', 5, 'Oldest', { create: 0, delete: [] }],
    ['scale down 5 → 4 (Newest) removes the newest unhealthy machine', 4, 'Newest', { create: 0, delete: ['md-3'] }],
    ['scale down 5 → 4 (Oldest) removes the oldest unhealthy machine', 4, 'Oldest', { create: 0, delete: ['md-1'] }],
    ['scale down 5 → 2 (Oldest)', 2, 'Oldest', { create: 0, delete: ['md-1', 'md-3', 'md-0'] }],
    ['scale down 5 → 2 (Newest)', 2, 'Newest', { create: 0, delete: ['md-3', 'md-1', 'md-4'] }],
    ['scale down to 0', 0, 'Random', { create: 0, delete: expect.arrayContaining(['md-0', 'md-1', 'md-2', 'md-3', 'md-4']) as string[] }],
  ])('%s', (_name, replicas, deletePolicy, expected) => {
    expect(planScale({ replicas, machines: group, deletePolicy, seed: 's' })).toEqual(expected);
  });

  it('machines already being deleted no longer count', () => {
    const list = [...machines('md', 3), machine('gone', { phase: 'Deleting' })];
    expect(planScale({ replicas: 3, machines: list, deletePolicy: 'Oldest', seed: 's' })).toEqual({ create: 0, delete: [] });
    expect(planScale({ replicas: 4, machines: list, deletePolicy: 'Oldest', seed: 's' })).toEqual({ create: 1, delete: [] });
  });

  it('Random is deterministic for a seed', () => {
    const healthy = machines('w', 7);
    const a = planScale({ replicas: 3, machines: healthy, deletePolicy: 'Random', seed: 'cluster/default/demo/7' });
    expect(a.delete).toHaveLength(4);
    expect(planScale({ replicas: 3, machines: [...healthy].reverse(), deletePolicy: 'Random', seed: 'cluster/default/demo/7' })).toEqual(a);
  });
});
