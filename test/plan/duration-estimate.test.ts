import { describe, expect, it } from 'vitest';
import { actionEstimates, defaultActionSeconds, estimateDuration, median } from '../../plan/duration-estimate.ts';
import type { MachineChange, PlanStage } from '../../api/cluster-plan.ts';

const versions = { kubernetes: 'v1.33.4', talos: 'v1.11.5' };
const changed = (name: string, actions: MachineChange['actions']): MachineChange => ({
  name,
  role: 'worker',
  replaced: actions.includes('replace'),
  from: versions,
  to: versions,
  actions,
});

describe('median', () => {
  it.each<[number[], number | undefined]>([
    [[], undefined],
    [[7], 7],
    [[9, 1, 5], 5],
    [[4, 1, 3, 2], 2.5],
  ])('of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('actionEstimates', () => {
  it('uses the stated defaults when the cluster has no past runs', () => {
    for (const past of [undefined, { createMachine: [], deleteMachine: [40] }]) {
      expect(actionEstimates(past)).toEqual({
        replace: { seconds: defaultActionSeconds.replace, source: 'default' },
        'upgrade-talos': { seconds: defaultActionSeconds['upgrade-talos'], source: 'default' },
        'upgrade-kubernetes': { seconds: defaultActionSeconds['upgrade-kubernetes'], source: 'default' },
        'snapshot-etcd': { seconds: defaultActionSeconds['snapshot-etcd'], source: 'default' },
      });
    }
  });

  it('times a replacement as the median create-machine plus the median delete-machine run of this cluster', () => {
    expect(actionEstimates({ createMachine: [200, 30, 40], deleteMachine: [10, 20] }).replace).toEqual({
      seconds: 55,
      source: 'median of 3 past create-machine runs and 2 delete-machine runs of this cluster',
    });
    expect(actionEstimates({ createMachine: [30], deleteMachine: [] }).replace).toEqual({
      seconds: 150,
      source: 'median of 1 past create-machine run of this cluster, plus the default delete',
    });
  });
});

describe('estimateDuration', () => {
  it('adds the stages up, a stage taking ⌈machines / parallel⌉ rounds; each machine the sum of its actions', () => {
    const estimates = actionEstimates({ createMachine: [100], deleteMachine: [20] });
    const stages: PlanStage[] = [
      { description: 'take an etcd snapshot', action: 'snapshot-etcd', machines: [], parallel: 1 },
      { description: 'upgrade Talos to v1.12.4: control plane', action: 'upgrade-talos', machines: ['cp-0', 'cp-1', 'cp-2'], parallel: 1 },
      { description: 'upgrade workers md-0', action: 'replace', machines: ['w-0', 'w-1', 'w-2'], parallel: 2 },
    ];
    const estimate = estimateDuration(stages, [changed('cp-0', ['upgrade-talos']), changed('w-0', ['replace'])], estimates);
    expect(estimate).toEqual({
      totalSeconds: 30 + 3 * 300 + 2 * 120,
      stages: [
        { description: 'take an etcd snapshot', seconds: 30 },
        { description: 'upgrade Talos to v1.12.4: control plane', seconds: 900 },
        { description: 'upgrade workers md-0', seconds: 240 },
      ],
      perMachine: { 'cp-0': 300, 'w-0': 120 },
    });
  });
});
