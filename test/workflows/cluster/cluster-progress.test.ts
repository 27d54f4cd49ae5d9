import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../api/cluster-messages.ts';
import type { ObservedCluster } from '../../../api/observed-cluster.ts';
import { clusterProgress, type ProgressFacts } from '../../../workflows/cluster/cluster-progress.ts';

const observed: ObservedCluster = {
  bootstrapped: true,
  machines: [
    {
      name: 'a-cp-1',
      role: 'control-plane',
      kubernetesVersion: 'v1.34.2',
      talosVersion: 'v1.11.5',
      shapeHash: 'h',
      phase: 'Running',
      ready: true,
      createdAt: '',
      address: '127.0.0.11',
    },
    {
      name: 'a-md-0-1',
      role: 'worker',
      deployment: 'md-0',
      kubernetesVersion: 'v1.34.2',
      talosVersion: 'v1.11.5',
      shapeHash: 'h',
      phase: 'Running',
      ready: true,
      createdAt: '',
    },
  ],
};
const run = (workflowId: string, phase: RunProgress['progress']['phase'], extra: Partial<RunProgress> = {}): RunProgress => ({
  workflowId,
  progress: { operation: 'x', summary: 'delete worker a-md-0-1', step: 2, steps: 6, currentStep: 'drain node', phase },
  ...extra,
});
const facts = (over: Partial<ProgressFacts> = {}): ProgressFacts => ({
  cluster: 'default/a',
  observed,
  deleted: false,
  runs: new Map(),
  recent: [],
  operations: 1,
  deleteRequested: false,
  ...over,
});

describe('clusterProgress', () => {
  it('is Idle with nothing running, Held with a reason, Deleted at the end', () => {
    expect(clusterProgress(facts()).phase).toBe('Idle');
    expect(clusterProgress(facts({ held: 'upgrade refused: no path' }))).toMatchObject({ phase: 'Held', held: 'upgrade refused: no path' });
    expect(clusterProgress(facts({ deleted: true })).phase).toBe('Deleted');
  });

  it("shows the operation step from its own report, and each machine run as that machine's activity", () => {
    const runs = new Map([
      [
        'op',
        run('op', 'Running', {
          progress: {
            operation: 'scale',
            summary: 'scale md-0 1 → 0',
            step: 1,
            steps: 1,
            currentStep: 'delete a-md-0-1',
            phase: 'Running',
          },
        }),
      ],
      ['m', run('m', 'Running', { machine: 'a-md-0-1' })],
    ]);
    const now = clusterProgress(
      facts({ runs, operation: { workflowId: 'op', kind: 'scale-machine-deployment', summary: 'scale md-0 1 → 0' } }),
    );
    expect(now).toMatchObject({ phase: 'Running', operation: { step: 1, steps: 1, currentStep: 'delete a-md-0-1' } });
    expect(now.machines.find((m) => m.name === 'a-md-0-1')?.activity).toBe('delete worker a-md-0-1: drain node (2/6)');
  });

  it('lists every blocked run with its workflow id and reason, and the cluster is Blocked', () => {
    const blocked = run('m', 'Blocked', { machine: 'a-md-0-1' });
    const withReason = {
      ...blocked,
      progress: {
        ...blocked.progress,
        blocked: { step: 'drain node', errorType: 'DrainBlockedByPdb', message: 'PodDisruptionBudget web', since: 't', retryable: true },
      },
    };
    const now = clusterProgress(
      facts({ runs: new Map([['m', withReason]]), operation: { workflowId: 'op', kind: 'scale-machine-deployment', summary: 's' } }),
    );
    expect(now.phase).toBe('Blocked');
    expect(now.blocked).toEqual([
      { workflowId: 'm', step: 'drain node', errorType: 'DrainBlockedByPdb', message: 'PodDisruptionBudget web', since: 't' },
    ]);
  });

  it('shows machines still being built, and a delete that waits for the running operation', () => {
    const building = run('c', 'Running', {
      machine: 'a-md-0-2',
      progress: {
        operation: 'create-machine',
        summary: 'create worker a-md-0-2',
        step: 3,
        steps: 9,
        currentStep: 'clone VM',
        phase: 'Running',
      },
    });
    const now = clusterProgress(
      facts({ runs: new Map([['c', building]]), deleteRequested: true, operation: { workflowId: 'op', kind: 'provision', summary: 'p' } }),
    );
    expect(now.machines.find((m) => m.name === 'a-md-0-2')).toMatchObject({
      phase: 'Provisioning',
      role: 'worker',
      activity: 'create worker a-md-0-2: clone VM (3/9)',
    });
    expect(now.deleteRequested).toBe(true);
  });
});
