import { describe, expect, it } from 'vitest';
import type { ClusterProgress } from '../../api/cluster-messages.ts';
import type { OperationProgress } from '../../api/operation-messages.ts';
import { clusterDetails, operationDetails } from '../../plan/current-details.ts';

const demo = { namespace: 'default', name: 'demo' };
const running: OperationProgress = {
  operation: 'create-machine',
  summary: 'create control-plane demo-cp-a9021',
  step: 4,
  steps: 13,
  currentStep: 'clone VM',
  phase: 'Running',
};
const blocked: OperationProgress = {
  ...running,
  phase: 'Blocked',
  blocked: {
    step: 'clone VM',
    errorType: 'ProxmoxStorageFull',
    message: 'storage local-lvm on pve2 has 3 GiB free, the clone needs 20 GiB',
    since: '2026-12-05T21:00:00.000Z',
    retryable: true,
  },
};

describe('operation details', () => {
  it.each([
    ['running', running, '**Running** step 4/13: clone VM\n\nMachine: `demo-cp-a9021`'],
    [
      'paused',
      { ...running, phase: 'Paused' as const },
      '**Paused** at step 4/13: the next step waits; send the update `resume` to go on.\n\nMachine: `demo-cp-a9021`',
    ],
    [
      'succeeded',
      { ...running, phase: 'Succeeded' as const },
      '**Succeeded**: create control-plane demo-cp-a9021\n\nMachine: `demo-cp-a9021`',
    ],
    [
      'aborted',
      { ...running, phase: 'Aborted' as const },
      '**Aborted** at step 4/13; what was done stays in place and is found by the next observation.\n\nMachine: `demo-cp-a9021`',
    ],
  ])('%s', (_, progress, expected) => {
    expect(operationDetails(progress, { cluster: demo, machine: 'demo-cp-a9021' })).toBe(expected);
  });

  it('a blocked step shows its error and how to go on, with the CLI commands for its cluster', () => {
    const details = operationDetails(blocked, { cluster: { namespace: 'team-a', name: 'demo' } });
    expect(details).toContain('**Blocked** at step 4/13: "clone VM" since 2026-12-05T21:00:00.000Z');
    expect(details).toContain('`ProxmoxStorageFull`: storage local-lvm on pve2 has 3 GiB free, the clone needs 20 GiB');
    expect(details).toContain('send the update `retry` to this workflow');
    expect(details).toContain('`capstan retry demo -n team-a`');
  });

  it('without a cluster it names only the updates', () => {
    expect(operationDetails(blocked, {})).not.toContain('capstan');
  });
});

const idle: ClusterProgress = {
  cluster: 'default/demo',
  phase: 'Idle',
  blocked: [],
  machines: [],
  deleteRequested: false,
  bootstrapped: true,
  operations: 3,
  recent: [],
  observedAt: '2026-12-05T21:00:00.000Z',
};
const operation = {
  workflowId: 'cluster/default/demo/upgrade/4',
  kind: 'upgrade',
  summary: 'upgrade Kubernetes v1.32.9 → v1.35.0',
  step: 3,
  steps: 24,
  currentStep: 'upgrade Talos to v1.11.5 (2/5)',
};

describe('cluster details', () => {
  it('idle: when it was observed', () => {
    expect(clusterDetails(idle, demo)).toBe('**Idle**: the cluster matches its spec (observed 2026-12-05T21:00:00.000Z).');
  });

  it('running: the operation, its step and its child workflow ID', () => {
    expect(clusterDetails({ ...idle, phase: 'Running', operation }, demo)).toBe(
      [
        '**Running**',
        '',
        'Operation: upgrade Kubernetes v1.32.9 → v1.35.0, step 3/24: upgrade Talos to v1.11.5 (2/5)',
        'Operation workflow: `cluster/default/demo/upgrade/4`',
      ].join('\n'),
    );
  });

  it('blocked: each blocked run by workflow ID with its error, and how to go on', () => {
    const run = {
      workflowId: 'cluster/default/demo/machine/demo-cp-a9021/create',
      step: 'clone VM',
      errorType: 'ProxmoxStorageFull',
      message: 'no room',
      since: '2026-12-05T21:00:00.000Z',
    };
    const details = clusterDetails({ ...idle, phase: 'Blocked', operation, blocked: [run], deleteRequested: true }, demo);
    expect(details).toContain('Operation workflow: `cluster/default/demo/upgrade/4`');
    expect(details).toContain('- `cluster/default/demo/machine/demo-cp-a9021/create` at "clone VM": `ProxmoxStorageFull`: no room');
    expect(details).toContain('`capstan retry demo`');
    expect(details).toContain('Deletion requested');
  });

  it('lists at most five blocked runs', () => {
    const runs = Array.from({ length: 7 }, (_, i) => ({ workflowId: `w${i}`, step: 's', errorType: 'E', message: 'm', since: '' }));
    const details = clusterDetails({ ...idle, phase: 'Blocked', blocked: runs }, demo);
    expect(details).toContain('`w4`');
    expect(details).not.toContain('`w5`');
    expect(details).toContain('- … and 2 more');
  });

  it.each([
    ['held', { phase: 'Held' as const, held: 'upgrade refused: skew' }, '**Held**: upgrade refused: skew. A changed spec plans again.'],
    ['deleted', { phase: 'Deleted' as const }, '**Deleted**: the cluster and everything it held are gone.'],
    ['released', { phase: 'Released' as const }, '**Released**: the cluster is managed by another management cluster now.'],
  ])('%s', (_, overrides, expected) => {
    expect(clusterDetails({ ...idle, ...overrides }, demo)).toBe(expected);
  });
});
