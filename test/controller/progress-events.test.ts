import { describe, expect, it } from 'vitest';
import { newEntries, progressEvents } from '../../client/controller/events/progress-events.ts';
import { idleProgress, operation } from './progress-builders.ts';

const demo = { namespace: 'default', name: 'demo' };

const upgrade = operation('upgrade', 'upgrade v1.33.4 → v1.34.2');
const blockedRun = {
  workflowId: upgrade.workflowId,
  step: 'wait for node demo-cp-a Ready',
  errorType: 'NodeNotReady',
  message: 'never Ready',
  since: '2025-01-01T00:00:00Z',
};
const provisioned = idleProgress().recent;

describe('progressEvents', () => {
  it('says nothing on the first poll (a new leader must not repeat old news)', () => {
    expect(progressEvents(undefined, idleProgress({ phase: 'Blocked', operation: upgrade, blocked: [blockedRun] }), demo)).toEqual([]);
  });

  it('says nothing when nothing changed', () => {
    expect(progressEvents(idleProgress(), idleProgress(), demo)).toEqual([]);
  });

  it('follows an operation from start through a blocked step and a retry to its end', () => {
    const idle = idleProgress();
    const running = idleProgress({ phase: 'Running', operation: upgrade, operations: 2 });
    const blocked = idleProgress({ phase: 'Blocked', operation: upgrade, operations: 2, blocked: [blockedRun] });
    const done = idleProgress({
      operations: 2,
      recent: [...provisioned, { kind: 'upgrade', summary: upgrade.summary, outcome: 'Succeeded' }],
    });
    expect(progressEvents(idle, running, demo)).toEqual([
      { type: 'Normal', reason: 'OperationStarted', message: 'upgrade v1.33.4 → v1.34.2 (cluster/default/demo/upgrade/3)' },
    ]);
    expect(progressEvents(running, blocked, demo)).toEqual([
      {
        type: 'Warning',
        reason: 'OperationBlocked',
        message:
          'step "wait for node demo-cp-a Ready" of cluster/default/demo/upgrade/3 failed: NodeNotReady: never Ready; `capstan retry demo` runs it again once the cause is fixed; a corrected spec (kubectl apply or patch) replaces the blocked operation; `capstan abort demo --reason "<why>"` ends it',
      },
    ]);
    expect(progressEvents(blocked, running, demo)).toEqual([
      {
        type: 'Normal',
        reason: 'OperationResumed',
        message: 'step "wait for node demo-cp-a Ready" of cluster/default/demo/upgrade/3 runs again',
      },
    ]);
    expect(progressEvents(running, done, demo)).toEqual([
      { type: 'Normal', reason: 'OperationSucceeded', message: 'upgrade v1.33.4 → v1.34.2' },
    ]);
  });

  it('does not lose an operation that started and ended between two polls, nor the next one starting', () => {
    const before = idleProgress();
    const after = idleProgress({
      phase: 'Running',
      operation: operation('rollout-machine-deployment', 'roll out md-0 (2 machines)'),
      operations: 3,
      recent: [...provisioned, { kind: 'scale-machine-deployment', summary: 'scale md-0 2 → 3', outcome: 'Failed: no storage' }],
    });
    expect(progressEvents(before, after, demo).map((e) => `${e.type} ${e.reason}: ${e.message}`)).toEqual([
      'Warning OperationFailed: scale md-0 2 → 3: Failed: no storage',
      'Normal OperationStarted: roll out md-0 (2 machines) (cluster/default/demo/rollout-machine-deployment/3)',
    ]);
  });

  it("counts finished operations by the workflow's operation counter, also when the list is full of equal entries", () => {
    const same = { kind: 'scale-machine-deployment', summary: 'scale md-0 2 → 3', outcome: 'Failed: no storage' };
    const full = Array.from({ length: 10 }, () => same);
    const before = idleProgress({ operations: 12, recent: full });
    const after = idleProgress({ operations: 14, recent: full });
    expect(progressEvents(before, after, demo).map((e) => e.reason)).toEqual(['OperationFailed', 'OperationFailed']);
    // Without the counter (an older workflow), the list alone cannot tell: nothing is said rather than something wrong.
    const withoutCounter = (p: typeof before): typeof before =>
      JSON.parse(JSON.stringify({ ...p, operations: undefined })) as typeof before;
    expect(progressEvents(withoutCounter(before), withoutCounter(after), demo)).toEqual([]);
  });

  it('warns when the workflow holds a spec, once per reason', () => {
    const held = idleProgress({ phase: 'Held', held: 'upgrade refused: skew' });
    expect(progressEvents(idleProgress(), held, demo)).toEqual([
      { type: 'Warning', reason: 'OperationHeld', message: 'upgrade refused: skew' },
    ]);
    expect(progressEvents(held, held, demo)).toEqual([]);
  });
});

describe('newEntries', () => {
  const e = (summary: string) => ({ kind: 'k', summary, outcome: 'Succeeded' });
  it.each([
    ['nothing new', [e('a'), e('b')], [e('a'), e('b')], []],
    ['one appended', [e('a')], [e('a'), e('b')], [e('b')]],
    ['appended while the oldest fell off', [e('a'), e('b'), e('c')], [e('b'), e('c'), e('d'), e('e')], [e('d'), e('e')]],
    ['the same operation again', [e('a')], [e('a'), e('a')], [e('a')]],
    ['all new', [], [e('a')], [e('a')]],
  ])('%s', (_what, previous, next, added) => {
    expect(newEntries(previous, next)).toEqual(added);
  });
});

describe('certificate warnings', () => {
  const check = (expiringSoon: boolean, problem?: string) => ({
    report: {
      checkedAt: '2034-01-01T00:00:00.000Z',
      talosconfig: { notAfter: '2034-09-01T00:00:00.000Z', fingerprint: 'ab', renewed: false },
      authorities: [{ name: 'Talos API CA', notAfter: '2034-10-01T00:00:00.000Z', expiringSoon }],
      nextCheckAt: '2034-01-31T00:00:00.000Z',
    },
    ...(problem === undefined ? {} : { problem }),
    nextCheckAt: '2034-01-31T00:00:00.000Z',
  });

  it('records one Warning when a CA is found expiring, with what to do, and none while it stays so', () => {
    const before = idleProgress({ credentials: check(false) });
    const after = idleProgress({ credentials: check(true) });
    expect(progressEvents(before, after, demo)).toEqual([
      {
        type: 'Warning',
        reason: 'CertificateAuthorityExpiring',
        message: expect.stringContaining(
          "the Talos API CA expires on 2034-10-01: rotate it with Talos' CA rotation procedure (talosctl rotate-ca",
        ) as unknown,
      },
    ]);
    expect(progressEvents(after, after, demo)).toEqual([]);
  });

  it('records a Warning when the renewal check starts failing', () => {
    const failing = idleProgress({ credentials: check(false, 'renewing the talosconfig and kubeconfig failed: unreachable') });
    expect(progressEvents(idleProgress({ credentials: check(false) }), failing, demo)).toEqual([
      { type: 'Warning', reason: 'CertificateRenewalFailed', message: 'renewing the talosconfig and kubeconfig failed: unreachable' },
    ]);
  });
});
