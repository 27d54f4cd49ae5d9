import { describe, expect, it } from 'vitest';
import { HealthCheck, type HealthCheckInput } from '../../api/health-check.ts';
import { evaluateHealthChecks } from '../../plan/health-checks.ts';
import { matchesSelector } from '../../plan/label-selector.ts';
import { observedCluster } from '../../plan/observed-cluster.ts';
import { planRemediation } from '../../plan/remediation.ts';
import { observation, seen, seenControlPlane } from './observation-fixture.ts';

const now = new Date('2026-01-02T00:00:00Z');
const workers = (overrides: Partial<HealthCheckInput> = {}) =>
  HealthCheck.parse({
    name: 'workers',
    selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'md-0' } },
    unhealthyConditions: [
      { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 },
      { type: 'Ready', status: 'False', timeoutSeconds: 300 },
    ],
    ...overrides,
  });
const notReadySince = (since: string) => ({
  ready: 'Unknown' as const,
  kubeletVersion: 'v1.33.4',
  unschedulable: false,
  conditions: [{ type: 'Ready', status: 'Unknown' as const, lastTransitionTime: since }],
});

describe('label selectors', () => {
  it.each([
    [{ matchLabels: { a: '1' }, matchExpressions: [] }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' }, matchExpressions: [] }, { a: '2' }, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'a', operator: 'In' as const, values: ['1', '2'] }] }, { a: '2' }, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'a', operator: 'NotIn' as const, values: ['1'] }] }, {}, true],
    [{ matchLabels: {}, matchExpressions: [{ key: 'a', operator: 'Exists' as const, values: [] }] }, {}, false],
    [{ matchLabels: {}, matchExpressions: [{ key: 'a', operator: 'DoesNotExist' as const, values: [] }] }, { b: '' }, true],
  ])('%j matches %j: %s', (selector, labels, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });
});

describe('MachineHealthCheck verdicts', () => {
  it.each([
    ['a healthy worker', seen('w'), undefined],
    ['a Node NotReady for longer than the timeout', seen('w', { node: notReadySince('2026-01-01T23:50:00Z') }), 'UnhealthyNode'],
    ['a Node NotReady within the timeout', seen('w', { node: notReadySince('2026-01-01T23:58:00Z') }), undefined],
    ['a Node deleted', seen('w', { node: undefined }), 'NodeDeleted'],
    ['a VM destroyed', seen('w', { vm: undefined, node: undefined }), 'MachineHasFailure'],
    [
      'no Node 10 minutes after the VM came up',
      seen('w', { node: undefined, hadNode: false, infrastructureReadySince: '2026-01-01T23:45:00Z' }),
      'NodeStartupTimeout',
    ],
    [
      'no Node yet, within the startup timeout',
      seen('w', { node: undefined, hadNode: false, infrastructureReadySince: '2026-01-01T23:55:00Z' }),
      undefined,
    ],
  ])('%s', (_, machine, reason) => {
    const [result] = evaluateHealthChecks([workers()], observation([machine]), now);
    expect(result?.unhealthy[0]?.reason).toBe(reason);
  });

  it('cannot tell a deleted Node from an unreachable API, so it does not judge', () => {
    const [result] = evaluateHealthChecks(
      [workers()],
      observation([seen('w', { node: undefined })], { kubernetesApi: 'unreachable' }),
      now,
    );
    expect(result?.unhealthy).toEqual([]);
  });

  it("stops remediation over maxUnhealthy, with CAPI's sentence", () => {
    const machines = [seen('a', { node: undefined }), seen('b', { node: undefined }), seen('c')];
    const [result] = evaluateHealthChecks([workers({ maxUnhealthy: '40%' })], observation(machines), now);
    expect(result).toMatchObject({ remediationAllowed: false, remediationsAllowed: 0, currentHealthy: 1, targets: ['a', 'b', 'c'] });
    expect(result?.message).toBe(
      'Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 3, unhealthy: 2, maxUnhealthy: 40%)',
    );
  });

  it('honours unhealthyRange over maxUnhealthy', () => {
    const machines = [seen('a', { node: undefined }), seen('b'), seen('c')];
    const [inRange] = evaluateHealthChecks([workers({ unhealthyRange: { min: 1, max: 2 }, maxUnhealthy: 0 })], observation(machines), now);
    expect(inRange).toMatchObject({ remediationAllowed: true, remediationsAllowed: 1 });
    const [outside] = evaluateHealthChecks([workers({ unhealthyRange: { min: 2, max: 3 } })], observation(machines), now);
    expect(outside?.message).toContain('does not fall within the range (total: 3, unhealthy: 1, unhealthyRange: [2-3])');
  });

  it('judges workers only once the control plane is initialized', () => {
    const [result] = evaluateHealthChecks(
      [workers()],
      observation([seen('w', { node: undefined, hadNode: false, infrastructureReadySince: '2026-01-01T00:00:00Z' })], {
        controlPlaneInitialized: false,
      }),
      now,
    );
    expect(result?.unhealthy).toEqual([]);
  });
});

describe('remediation', () => {
  const controlPlanes = HealthCheck.parse({
    name: 'cp',
    selector: { matchLabels: { 'cluster.x-k8s.io/control-plane': '' } },
    unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeoutSeconds: 60 }],
  });
  const remediate = (machines: Parameters<typeof observation>[0], checks = [controlPlanes, workers()]) => {
    const seenNow = observation(machines);
    return planRemediation(evaluateHealthChecks(checks, seenNow, now), observedCluster(seenNow).machines);
  };
  const deadEtcd = { id: 'x', learner: false, healthy: false };

  it('deletes every unhealthy worker remediation allows', () => {
    const plan = remediate([seen('a', { node: undefined }), seen('b', { vm: undefined, node: undefined }), seen('c')]);
    expect(plan.remediate.map((r) => r.machine)).toEqual(['a', 'b']);
  });

  it('remediates one control plane at a time, only while etcd keeps quorum without it', () => {
    const one = remediate([
      seenControlPlane('cp-0', { node: notReadySince('2026-01-01T00:00:00Z'), etcd: deadEtcd }),
      seenControlPlane('cp-1'),
      seenControlPlane('cp-2'),
    ]);
    expect(one.remediate.map((r) => r.machine)).toEqual(['cp-0']);
    const two = remediate([
      seenControlPlane('cp-0', { node: notReadySince('2026-01-01T00:00:00Z'), etcd: deadEtcd }),
      seenControlPlane('cp-1', { node: notReadySince('2026-01-01T00:00:00Z'), etcd: deadEtcd }),
      seenControlPlane('cp-2'),
    ]);
    expect(two.remediate).toEqual([]);
    expect(two.deferred[0]?.why).toContain('etcd has lost quorum');
  });

  it('never remediates the only control plane', () => {
    const plan = remediate([seenControlPlane('cp-0', { node: notReadySince('2026-01-01T00:00:00Z'), etcd: deadEtcd })]);
    expect(plan).toEqual({ remediate: [], deferred: [{ machine: 'cp-0', check: 'cp', why: 'it is the only control-plane machine' }] });
  });
});
