import { describe, expect, it } from 'vitest';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { previewRollout } from '../../plan/rollout-preview.ts';
import type { RolloutTarget } from '../../plan/rollout.ts';
import { machine, machines } from './machines.ts';

const target: RolloutTarget = {
  replicas: 3,
  shapeHash: 'shape-b',
  kubernetesVersion: 'v1.33.4',
  maxSurge: 1,
  maxUnavailable: 0,
  deletePolicy: 'Oldest',
  seed: 's',
};
const fresh = (name: string, overrides: Partial<ObservedMachine> = {}) => machine(name, { shapeHash: 'shape-b', ...overrides });

describe('previewRollout', () => {
  it('lists the batches of surge 1 / unavailable 0 with placeholder names', () => {
    expect(previewRollout(target, machines('old', 3), 'md-0')).toEqual({
      ok: true,
      batches: [
        { create: ['md-0 new machine 1'], delete: [] },
        { create: [], delete: ['old-0'] },
        { create: ['md-0 new machine 2'], delete: [] },
        { create: [], delete: ['old-1'] },
        { create: ['md-0 new machine 3'], delete: [] },
        { create: [], delete: ['old-2'] },
      ],
    });
  });

  it('picks up a rollout whose new machine is still booting and whose old machine is still being deleted', () => {
    const fleet = [
      fresh('new-a', { phase: 'Provisioning', ready: false }),
      machine('old-0', { phase: 'Deleting', ready: false }),
      ...machines('old', 3).slice(1),
    ];
    expect(previewRollout(target, fleet, 'md-0')).toEqual({
      ok: true,
      batches: [
        { create: ['md-0 new machine 1'], delete: [] },
        { create: [], delete: ['old-1'] },
        { create: ['md-0 new machine 2'], delete: [] },
        { create: [], delete: ['old-2'] },
      ],
    });
  });

  it('says so when the rollout would wait for a failed new machine forever', () => {
    const fleet = [fresh('new-a', { phase: 'Failed', ready: false }), ...machines('old', 3)];
    expect(previewRollout(target, fleet, 'md-0')).toEqual({
      ok: false,
      reason: 'the rolling update of md-0 does not converge as planned; the machines it waits for may be unhealthy',
    });
  });

  it('passes on a refusal of the strategy', () => {
    expect(previewRollout({ ...target, maxSurge: 0, maxUnavailable: 0 }, machines('old', 3), 'md-0').ok).toBe(false);
  });
});
