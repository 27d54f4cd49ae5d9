import { describe, expect, it } from 'vitest';
import type { Condition } from '../../api/capi/conditions.ts';
import type { ClusterProgress } from '../../api/cluster-messages.ts';
import { objectsFromManifests, toDesiredCluster } from '../../api/capi/to-desired-cluster.ts';
import type { ClusterFacts } from '../../client/controller/status/cluster-facts.ts';
import { clusterStatus } from '../../client/controller/status/cluster-status.ts';
import { withTransitionTimes } from '../../client/controller/status/conditions.ts';
import { specVerdict } from '../../client/controller/status/spec-verdict.ts';
import { demoManifests, manifest } from '../api/capi/manifests.ts';
import { facts, idleProgress, machine, operation } from './progress-builders.ts';

/** The condition of a type, as `reason: message` or `True`. */
function conditions(f: ClusterFacts): Record<string, string> {
  const { conditions: drafts } = clusterStatus(f, undefined);
  return Object.fromEntries(
    drafts.map((c) => [c.type, c.status === 'True' ? `True${c.reason ? ` ${c.reason}` : ''}` : `${c.status} ${c.reason ?? ''}`]),
  );
}
const fields = (f: ClusterFacts): Readonly<Record<string, unknown>> => clusterStatus(f, undefined).fields;
const message = (f: ClusterFacts, type: string): string | undefined =>
  clusterStatus(f, undefined).conditions.find((c) => c.type === type)?.message;

describe('clusterStatus', () => {
  it('reports an idle, up-to-date cluster as Provisioned and Ready', () => {
    const f = facts(idleProgress());
    expect(fields(f)).toMatchObject({
      phase: 'Provisioned',
      infrastructureReady: true,
      controlPlaneReady: true,
      observedGeneration: 4,
      version: 'v1.33.4',
    });
    expect(conditions(f)).toEqual({
      Ready: 'True',
      InfrastructureReady: 'True',
      ControlPlaneInitialized: 'True',
      ControlPlaneAvailable: 'True',
      WorkersAvailable: 'True',
      RollingOut: 'False NotRollingOut',
      Deleting: 'False NotDeleting',
      Paused: 'False NotPaused',
      Blocked: 'False NotBlocked',
    });
    expect(fields(f)['operation']).toEqual({
      name: 'provision',
      state: 'Succeeded',
      step: 'provision default/demo: 3 control-plane machines, 2 workers',
    });
  });

  it('adds CertificatesValid once the workflow checked the credentials: True with their end dates, False (Warning) for an expiring CA', () => {
    const report = {
      checkedAt: '2034-01-01T00:00:00.000Z',
      talosconfig: { notAfter: '2034-09-01T00:00:00.000Z', fingerprint: 'ab', renewed: true },
      kubeconfig: { notAfter: '2034-09-02T00:00:00.000Z', fingerprint: 'cd', renewed: true },
      authorities: [
        { name: 'Talos API CA', notAfter: '2044-01-01T00:00:00.000Z', expiringSoon: false },
        { name: 'Kubernetes CA', notAfter: '2034-06-01T00:00:00.000Z', expiringSoon: true },
      ],
      nextCheckAt: '2034-01-31T00:00:00.000Z',
    };
    const expiring = facts(idleProgress({ credentials: { report, nextCheckAt: report.nextCheckAt } }));
    const { conditions: drafts } = clusterStatus(expiring, undefined);
    expect(drafts.find((c) => c.type === 'CertificatesValid')).toMatchObject({ status: 'False', reason: 'CertificateAuthorityExpiring' });
    expect(message(expiring, 'CertificatesValid')).toMatch(/^the Kubernetes CA expires on 2034-06-01: rotate it with .*talosctl rotate-ca/);
    expect(withTransitionTimes(undefined, drafts, '2034-01-01T00:00:00Z').find((c) => c.type === 'CertificatesValid')?.severity).toBe(
      'Warning',
    );
    const fine = { ...report, authorities: report.authorities.map((a) => ({ ...a, expiringSoon: false })) };
    const valid = facts(idleProgress({ credentials: { report: fine, nextCheckAt: report.nextCheckAt } }));
    expect(conditions(valid)['CertificatesValid']).toBe('True');
    expect(message(valid, 'CertificatesValid')).toBe('talosconfig until 2034-09-01, kubeconfig until 2034-09-02; renewed when due');
  });

  it('reports a provision in flight as Provisioning with its step', () => {
    const progress = idleProgress({
      phase: 'Running',
      operation: operation('provision', 'provision default/demo', 3, 11, 'clone VM demo-cp-a'),
      machines: [
        machine('demo-cp-a', {
          phase: 'Provisioning',
          ready: false,
          kubernetesVersion: '',
          talosVersion: '',
          activity: 'create demo-cp-a: clone VM (3/11)',
        }),
      ],
      recent: [],
    });
    const f = facts(progress);
    expect(fields(f)).toMatchObject({
      phase: 'Provisioning',
      operation: { name: 'provision', workflowId: 'cluster/default/demo/provision/3', state: 'Running', step: 'clone VM demo-cp-a (3/11)' },
    });
    expect(conditions(f)).toMatchObject({
      Ready: 'False Provisioning',
      InfrastructureReady: 'False Provisioning',
      ControlPlaneInitialized: 'False Provisioning',
      RollingOut: 'False NotRollingOut',
    });
    expect(fields(f)['version']).toBeUndefined();
  });

  it.each([
    ['upgrade', 'upgrade v1.33.4 → v1.34.2', 'True Upgrading'],
    ['rollout-machine-deployment', 'roll out md-0 (2 machines)', 'True RollingOut'],
    ['scale-machine-deployment', 'scale md-0 2 → 3', 'True ScalingUp'],
    ['scale-machine-deployment', 'scale md-0 3 → 2', 'True ScalingDown'],
    ['scale-control-plane', 'scale control plane 1 → 3', 'True ScalingUp'],
  ])('shows a running %s (%s) as RollingOut %s, and the cluster stays Ready', (kind, summary, rolling) => {
    const f = facts(idleProgress({ phase: 'Running', operation: operation(kind, summary) }));
    expect(conditions(f)).toMatchObject({ RollingOut: rolling, Ready: 'True' });
    expect(message(f, 'RollingOut')).toBe(`${summary}: drain node demo-cp-a (2/5)`);
  });

  it('shows a blocked step as Blocked and not Ready, naming the step, the error and the way out', () => {
    const f = facts(
      idleProgress({
        phase: 'Blocked',
        operation: operation('upgrade', 'upgrade v1.33.4 → v1.34.2'),
        blocked: [
          {
            workflowId: 'cluster/default/demo/upgrade/3',
            step: 'wait for node demo-cp-a Ready',
            errorType: 'NodeNotReady',
            message: 'never Ready in 10m',
            since: '2025-01-01T00:00:00Z',
          },
        ],
      }),
    );
    expect(conditions(f)).toMatchObject({ Blocked: 'True StepFailed', Ready: 'False StepFailed', RollingOut: 'True Upgrading' });
    expect(message(f, 'Blocked')).toBe(
      'step "wait for node demo-cp-a Ready" of cluster/default/demo/upgrade/3 failed: NodeNotReady: never Ready in 10m; `capstan retry demo` runs it again once the cause is fixed; a corrected spec (kubectl apply or patch) replaces the blocked operation; `capstan abort demo --reason "<why>"` ends it',
    );
    expect(fields(f)['operation']).toMatchObject({
      state: 'Blocked',
      blockedReason: 'StepFailed',
      blockedMessage: 'wait for node demo-cp-a Ready: NodeNotReady: never Ready in 10m',
    });
  });

  it('reports an invalid spec as Ready=False InvalidSpec naming the field, before anything ran', () => {
    const documents = demoManifests();
    (manifest(documents, 'Cluster', 'demo').spec as { controlPlaneRef: { kind: string } }).controlPlaneRef.kind = 'KubeadmControlPlane';
    const spec = specVerdict(toDesiredCluster({ namespace: 'default', name: 'demo' }, objectsFromManifests(documents)));
    const f = facts(undefined, { spec, workflow: { state: 'absent' } });
    expect(conditions(f)).toMatchObject({ Ready: 'False InvalidSpec', InfrastructureReady: 'False InvalidSpec' });
    expect(message(f, 'Ready')).toMatch(
      /^Cluster default\/demo spec\.controlPlaneRef\.kind: must be TalosControlPlane, not KubeadmControlPlane/,
    );
    expect(fields(f)['phase']).toBe('Pending');
  });

  it('tells a missing reference (objects still being applied) from an invalid spec', () => {
    const documents = demoManifests().filter((d) => d.kind !== 'TalosControlPlane');
    const spec = specVerdict(toDesiredCluster({ namespace: 'default', name: 'demo' }, objectsFromManifests(documents)));
    expect(spec).toMatchObject({ valid: false, reason: 'ReferenceNotFound' });
    expect(conditions(facts(undefined, { spec, workflow: { state: 'absent' } }))).toMatchObject({ Ready: 'False ReferenceNotFound' });
  });

  it('shows a pause without calling a working cluster unready', () => {
    expect(conditions(facts(idleProgress(), { paused: true }))).toMatchObject({ Paused: 'True Paused', Ready: 'True' });
    expect(conditions(facts(undefined, { paused: true, workflow: { state: 'absent' } }))).toMatchObject({
      Paused: 'True Paused',
      Ready: 'False Paused',
    });
  });

  it('shows a delete in flight', () => {
    const f = facts(idleProgress({ phase: 'Running', operation: operation('delete', 'delete default/demo', 1, 4, 'delete workers') }), {
      deleting: true,
      spec: undefined,
    });
    expect(fields(f)['phase']).toBe('Deleting');
    expect(conditions(f)).toMatchObject({ Deleting: 'True Deleting', Ready: 'False Deleting', RollingOut: 'False NotRollingOut' });
    expect(message(f, 'Deleting')).toBe('delete workers (1/4)');
    const behindUpgrade = facts(
      idleProgress({ phase: 'Running', deleteRequested: true, operation: operation('upgrade', 'upgrade v1.33.4 → v1.34.2') }),
      { deleting: true, spec: undefined },
    );
    expect(message(behindUpgrade, 'Deleting')).toBe('waits for "upgrade v1.33.4 → v1.34.2" to end at its next safe point');
  });

  it('reports a workflow that ended abnormally as Failed, with how to go on', () => {
    const f = facts(idleProgress(), { workflow: { state: 'ended', status: 'TERMINATED', message: 'by operator' } });
    expect(fields(f)['phase']).toBe('Failed');
    expect(conditions(f)).toMatchObject({ Ready: 'False WorkflowEnded' });
    expect(message(f, 'Ready')).toMatch(/ended \(TERMINATED: by operator\).*reset the workflow/);
  });

  it('says where a cluster moved to (capstan move), before its pause', () => {
    const f = facts(idleProgress(), {
      paused: true,
      workflow: { state: 'released', clusterUid: 'u', to: 'https://new:6443 (Temporal namespace b)' },
    });
    expect(conditions(f)).toMatchObject({ Paused: 'True Paused', Ready: 'False WorkflowEnded' });
    expect(message(f, 'Ready')).toBe(
      'the cluster was moved to https://new:6443 (Temporal namespace b) (capstan move) and is managed there; this management cluster acts on it no more',
    );
  });

  it('says so when Temporal cannot be reached, rather than guessing', () => {
    const f = facts(undefined, { workflow: { state: 'unknown', error: 'connect ECONNREFUSED 127.0.0.1:7233' } });
    expect(conditions(f)).toMatchObject({ Ready: 'False TemporalUnavailable' });
    expect(message(f, 'Ready')).toBe('cannot reach Temporal to find the cluster workflow: connect ECONNREFUSED 127.0.0.1:7233');
  });

  it("reports a held spec as not Ready, with the workflow's reason", () => {
    const f = facts(idleProgress({ phase: 'Held', held: 'upgrade refused: v1.33 → v1.36 skips minors the catalog lacks' }));
    expect(conditions(f)).toMatchObject({ Ready: 'False Held' });
    expect(message(f, 'Ready')).toBe('upgrade refused: v1.33 → v1.36 skips minors the catalog lacks');
  });

  it('needs an etcd quorum of Ready control planes for ControlPlaneAvailable, and names unready machines', () => {
    const progress = idleProgress();
    const oneDown = {
      ...progress,
      machines: progress.machines.map((m) => (m.name === 'demo-cp-a' || m.name === 'demo-md-0-b' ? { ...m, ready: false } : m)),
    };
    expect(conditions(facts(oneDown))).toMatchObject({ ControlPlaneAvailable: 'True', Ready: 'False WaitingForMachines' });
    expect(message(facts(oneDown), 'Ready')).toBe('not Ready: demo-cp-a, demo-md-0-b');
    const twoDown = {
      ...progress,
      machines: progress.machines.map((m) => (m.name === 'demo-cp-a' || m.name === 'demo-cp-b' ? { ...m, ready: false } : m)),
    };
    expect(conditions(facts(twoDown))).toMatchObject({
      ControlPlaneAvailable: 'False WaitingForControlPlane',
      ControlPlaneInitialized: 'True',
      Ready: 'False WaitingForControlPlane',
    });
  });

  const up = { available: true, reason: 'EtcdQuorumHealthy', message: '3/3 etcd members healthy' };
  const workersUp = { available: true, reason: 'EnoughReadyWorkers', message: 'md-0: 2/2 available' };
  it.each<[string, NonNullable<ClusterProgress['availability']>, Record<string, string>, string | undefined]>([
    [
      'both serve',
      { controlPlane: up, workers: workersUp },
      { ControlPlaneAvailable: 'True EtcdQuorumHealthy', WorkersAvailable: 'True EnoughReadyWorkers', Ready: 'True' },
      undefined,
    ],
    [
      'etcd lost its quorum',
      {
        controlPlane: { available: false, reason: 'EtcdQuorumLost', message: '1 of 3 etcd members healthy' },
        workers: workersUp,
      },
      { ControlPlaneAvailable: 'False EtcdQuorumLost', WorkersAvailable: 'True EnoughReadyWorkers', Ready: 'False EtcdQuorumLost' },
      '1 of 3 etcd members healthy',
    ],
    [
      'a MachineDeployment is beyond its maxUnavailable',
      {
        controlPlane: up,
        workers: { available: false, reason: 'NotEnoughReadyWorkers', message: 'md-0: 0/2 available, maxUnavailable 0' },
      },
      {
        ControlPlaneAvailable: 'True EtcdQuorumHealthy',
        WorkersAvailable: 'False NotEnoughReadyWorkers',
        Ready: 'False NotEnoughReadyWorkers',
      },
      'md-0: 0/2 available, maxUnavailable 0',
    ],
  ])(
    "takes ControlPlaneAvailable and WorkersAvailable from the workflow's observation when %s; Ready needs both",
    (_, availability, expected, readyMessage) => {
      const f = facts(idleProgress({ availability }));
      expect(conditions(f)).toMatchObject(expected);
      expect(message(f, 'Ready')).toBe(readyMessage);
      expect(message(f, 'ControlPlaneAvailable')).toBe(availability.controlPlane.message);
      expect(message(f, 'WorkersAvailable')).toBe(availability.workers.message);
      expect(fields(f)['controlPlaneReady']).toBe(availability.controlPlane.available);
    },
  );

  it('stays Ready with an unready worker the observation finds within maxUnavailable, as CAPI v1beta2 sums Ready up', () => {
    const progress = idleProgress({ availability: { controlPlane: up, workers: workersUp } });
    const oneDown = { ...progress, machines: progress.machines.map((m) => (m.name === 'demo-md-0-b' ? { ...m, ready: false } : m)) };
    expect(conditions(facts(oneDown))).toMatchObject({ WorkersAvailable: 'True EnoughReadyWorkers', Ready: 'True' });
  });

  it('judges workers from their machines until the workflow reports availability', () => {
    const progress = idleProgress();
    const oneDown = { ...progress, machines: progress.machines.map((m) => (m.name === 'demo-md-0-b' ? { ...m, ready: false } : m)) };
    expect(conditions(facts(oneDown))).toMatchObject({ WorkersAvailable: 'False WaitingForMachines', Ready: 'False WaitingForMachines' });
    expect(message(facts(oneDown), 'WorkersAvailable')).toBe('1/2 worker machines ready');
    expect(conditions(facts(undefined))).toMatchObject({ WorkersAvailable: 'False Pending' });
  });

  it('reports the oldest control-plane version mid-upgrade', () => {
    const progress = idleProgress();
    const mixed = {
      ...progress,
      machines: progress.machines.map((m) =>
        m.name === 'demo-cp-a' ? { ...m, kubernetesVersion: 'v1.34.2' } : m.role === 'worker' ? { ...m, kubernetesVersion: 'v1.32.9' } : m,
      ),
    };
    expect(fields(facts(mixed))['version']).toBe('v1.33.4');
  });

  it('keeps ControlPlaneInitialized once it was True, as CAPI does', () => {
    const stored = {
      conditions: [{ type: 'ControlPlaneInitialized', status: 'True' as const, lastTransitionTime: '2025-01-01T00:00:00Z' }],
    };
    const allDown = idleProgress({ machines: idleProgress().machines.map((m) => ({ ...m, ready: false })) });
    const { conditions: drafts } = clusterStatus(facts(allDown), stored);
    expect(drafts.find((c) => c.type === 'ControlPlaneInitialized')?.status).toBe('True');
  });
});

describe('withTransitionTimes', () => {
  it('keeps the transition time of a condition whose status did not change, and sets severity on False ones', () => {
    const existing: Condition[] = [
      { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
      { type: 'Blocked', status: 'False', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'NotBlocked' },
    ];
    const now = '2025-01-02T00:00:00Z';
    const next = withTransitionTimes(
      existing,
      [
        { type: 'Ready', status: 'True', message: 'changed message, same status' },
        { type: 'Blocked', status: 'True', reason: 'StepFailed', message: 'x' },
        { type: 'Paused', status: 'False', reason: 'NotPaused' },
        { type: 'Deleting', status: 'False', reason: 'InvalidSpec' },
      ],
      now,
    );
    expect(next).toEqual([
      { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', message: 'changed message, same status' },
      { type: 'Blocked', status: 'True', lastTransitionTime: now, reason: 'StepFailed', message: 'x' },
      { type: 'Paused', status: 'False', severity: 'Info', lastTransitionTime: now, reason: 'NotPaused' },
      { type: 'Deleting', status: 'False', severity: 'Error', lastTransitionTime: now, reason: 'InvalidSpec' },
    ]);
  });
});
