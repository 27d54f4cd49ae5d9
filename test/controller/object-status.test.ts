import { describe, expect, it } from 'vitest';
import type { RawObject } from '../../client/controller/raw-object.ts';
import { controlPlaneStatus } from '../../client/controller/status/control-plane-status.ts';
import { deploymentStatus } from '../../client/controller/status/deployment-status.ts';
import { facts, idleProgress, machine, operation } from './progress-builders.ts';

const tcp: RawObject = {
  metadata: { name: 'demo-control-plane', namespace: 'default', generation: 2 },
  spec: { replicas: 3, version: 'v1.34.2' },
};
const md = (replicas: number): RawObject => ({
  metadata: { name: 'md-0', namespace: 'default', generation: 5 },
  spec: { clusterName: 'demo', replicas },
});

describe('controlPlaneStatus', () => {
  it('counts replicas as CACPPT does, updated ones against the wanted versions', () => {
    const progress = idleProgress();
    const oneUpgraded = {
      ...progress,
      machines: progress.machines.map((m) => (m.name === 'demo-cp-a' ? { ...m, kubernetesVersion: 'v1.34.2' } : m)),
    };
    const { fields, conditions } = controlPlaneStatus(tcp, facts(oneUpgraded), { kubernetes: 'v1.34.2', talos: 'v1.11.5' });
    expect(fields).toEqual({
      selector: 'cluster.x-k8s.io/cluster-name=demo,cluster.x-k8s.io/control-plane',
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 1,
      unavailableReplicas: 0,
      initialized: true,
      bootstrapped: true,
      ready: true,
      version: 'v1.33.4',
      observedGeneration: 2,
      operation: { name: 'provision', state: 'Succeeded', step: 'provision default/demo: 3 control-plane machines, 2 workers' },
    });
    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['Ready=True', 'Available=True', 'RollingOut=False']);
  });

  it("prefers the workflow's own up-to-date verdict when it gives one", () => {
    const progress = idleProgress({ machines: [machine('demo-cp-a', { upToDate: false }), machine('demo-cp-b', { upToDate: true })] });
    expect(controlPlaneStatus(tcp, facts(progress), { kubernetes: 'v1.33.4' }).fields['updatedReplicas']).toBe(1);
  });

  it("counts from the machines' observed conditions where the workflow gives them, and takes Available from its etcd verdict", () => {
    const observed = (ready: 'True' | 'False', upToDate: 'True' | 'False') => [
      { type: 'Ready', status: ready, reason: ready === 'True' ? 'Ready' : 'NodeNotReady' },
      { type: 'UpToDate', status: upToDate, reason: upToDate === 'True' ? 'UpToDate' : 'NotUpToDate' },
    ];
    const progress = idleProgress({
      machines: [
        // The workflow's flag says Ready; the Machine's condition from the last observation does not.
        machine('demo-cp-a', { conditions: observed('False', 'True') }),
        machine('demo-cp-b', { conditions: observed('True', 'False') }),
        machine('demo-cp-c'),
      ],
      availability: {
        controlPlane: { available: true, reason: 'EtcdQuorumHealthy', message: '2 of 3 etcd members healthy' },
        workers: { available: true, reason: 'EnoughReadyWorkers', message: '' },
      },
    });
    const { fields, conditions } = controlPlaneStatus(tcp, facts(progress), { kubernetes: 'v1.33.4', talos: 'v1.11.5' });
    expect(fields).toMatchObject({ replicas: 3, readyReplicas: 2, updatedReplicas: 2, unavailableReplicas: 1, ready: true });
    expect(conditions.find((c) => c.type === 'Available')).toEqual({
      type: 'Available',
      status: 'True',
      reason: 'EtcdQuorumHealthy',
      message: '2 of 3 etcd members healthy',
    });
    const lost = idleProgress({
      availability: {
        controlPlane: { available: false, reason: 'EtcdQuorumLost', message: '1 of 3 etcd members healthy' },
        workers: { available: true, reason: 'EnoughReadyWorkers', message: '' },
      },
    });
    const down = controlPlaneStatus(tcp, facts(lost), {});
    expect(down.fields['ready']).toBe(false);
    expect(down.conditions.map((c) => `${c.type}=${c.status} ${c.reason ?? ''}`)).toEqual([
      'Ready=False EtcdQuorumLost',
      'Available=False EtcdQuorumLost',
      'RollingOut=False NotRollingOut',
    ]);
  });

  it('shows an upgrade on the control plane, and not a MachineDeployment scale', () => {
    const upgrading = controlPlaneStatus(
      tcp,
      facts(idleProgress({ phase: 'Running', operation: operation('upgrade', 'upgrade v1.33.4 → v1.34.2') })),
      {},
    );
    expect(upgrading.fields['operation']).toMatchObject({ name: 'upgrade', state: 'Running' });
    expect(upgrading.conditions.find((c) => c.type === 'RollingOut')).toMatchObject({ status: 'True', reason: 'Upgrading' });
    const scaling = controlPlaneStatus(
      tcp,
      facts(idleProgress({ phase: 'Running', operation: operation('scale-machine-deployment', 'scale md-0 2 → 3') })),
      {},
    );
    expect(scaling.fields['operation']).toBeUndefined();
    // Finished: the last operation that concerned the control plane, not the MachineDeployment's after it.
    const after = controlPlaneStatus(
      tcp,
      facts(
        idleProgress({
          recent: [...idleProgress().recent, { kind: 'scale-machine-deployment', summary: 'scale md-0 2 → 3', outcome: 'Succeeded' }],
        }),
      ),
      {},
    );
    expect(after.fields['operation']).toMatchObject({ name: 'provision', state: 'Succeeded' });
  });

  it("names the TalosControlPlane's own spec problems in its Ready condition", () => {
    const spec = {
      valid: false as const,
      reason: 'InvalidSpec' as const,
      message: '...',
      errors: [
        {
          object: { kind: 'TalosControlPlane', namespace: 'default', name: 'demo-control-plane' },
          path: 'spec.version',
          message: 'v9.0.0 is not in the catalog',
        },
      ],
    };
    const { conditions } = controlPlaneStatus(tcp, facts(undefined, { spec }), {});
    expect(conditions[0]).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'InvalidSpec',
      message: 'TalosControlPlane default/demo-control-plane spec.version: v9.0.0 is not in the catalog',
    });
  });
});

describe('deploymentStatus', () => {
  it.each<[string, number, ReturnType<typeof idleProgress>, string]>([
    ['as many Ready machines as asked', 2, idleProgress(), 'Running'],
    ['fewer machines than asked', 3, idleProgress(), 'ScalingUp'],
    ['more machines than asked', 1, idleProgress(), 'ScalingDown'],
    [
      'a machine not Ready yet',
      2,
      idleProgress({ machines: [machine('w-a', { deployment: 'md-0' }), machine('w-b', { deployment: 'md-0', ready: false })] }),
      'ScalingUp',
    ],
  ])('phase with %s', (_what, replicas, progress, phase) => {
    expect(deploymentStatus(md(replicas), facts(progress), {}).fields['phase']).toBe(phase);
  });

  it('counts its own machines only', () => {
    const progress = idleProgress();
    const withOther = { ...progress, machines: [...progress.machines, machine('demo-md-1-a', { deployment: 'md-1', ready: false })] };
    expect(deploymentStatus(md(2), facts(withOther), { kubernetes: 'v1.33.4' }).fields).toEqual({
      selector: 'cluster.x-k8s.io/cluster-name=demo,cluster.x-k8s.io/deployment-name=md-0',
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
      unavailableReplicas: 0,
      phase: 'Running',
      observedGeneration: 5,
      operation: { name: 'provision', state: 'Succeeded', step: 'provision default/demo: 3 control-plane machines, 2 workers' },
    });
  });

  it('counts ready, available and updated machines from their observed conditions, where the workflow gives them', () => {
    const progress = idleProgress({
      machines: [
        machine('w-a', { deployment: 'md-0', conditions: [{ type: 'Ready', status: 'False', reason: 'NodeNotReady' }] }),
        machine('w-b', {
          deployment: 'md-0',
          conditions: [
            { type: 'Ready', status: 'True', reason: 'Ready' },
            { type: 'UpToDate', status: 'False', reason: 'NotUpToDate' },
          ],
        }),
        machine('w-c', { deployment: 'md-0', conditions: [{ type: 'NodeReady', status: 'True', reason: 'NodeReady' }] }),
      ],
    });
    const { fields, conditions } = deploymentStatus(md(3), facts(progress), { kubernetes: 'v1.33.4' });
    expect(fields).toMatchObject({ replicas: 3, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2, unavailableReplicas: 1 });
    expect(conditions.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', message: '2/3 machines available' });
  });

  it('shows a scale of this MachineDeployment, found by the machines it works on', () => {
    const progress = idleProgress({
      phase: 'Running',
      operation: operation('scale-machine-deployment', 'scale md-0 2 → 3', 1, 3, 'create demo-md-0-c'),
      machines: [
        ...idleProgress().machines,
        machine('demo-md-0-c', { deployment: 'md-0', phase: 'Provisioning', ready: false, activity: 'create: clone VM (2/11)' }),
      ],
    });
    const mine = deploymentStatus(md(3), facts(progress), {});
    expect(mine.fields).toMatchObject({
      phase: 'ScalingUp',
      replicas: 3,
      readyReplicas: 2,
      operation: { name: 'scale-machine-deployment', state: 'Running', step: 'create demo-md-0-c (1/3)' },
    });
    expect(mine.conditions.find((c) => c.type === 'RollingOut')).toMatchObject({ status: 'True', reason: 'RollingOut' });
    const other = deploymentStatus(
      { metadata: { name: 'md-1', namespace: 'default' }, spec: { clusterName: 'demo', replicas: 0 } },
      facts(progress),
      {},
    );
    expect(other.conditions.find((c) => c.type === 'RollingOut')?.status).toBe('False');
    expect(other.fields['operation']).toBeUndefined();
    const finished = idleProgress({
      recent: [...idleProgress().recent, { kind: 'scale-machine-deployment', summary: 'scale md-0 2 → 3', outcome: 'Succeeded' }],
    });
    expect(deploymentStatus(md(3), facts(finished), {}).fields['operation']).toMatchObject({
      name: 'scale-machine-deployment',
      state: 'Succeeded',
    });
    expect(
      deploymentStatus(
        { metadata: { name: 'md-1', namespace: 'default' }, spec: { clusterName: 'demo', replicas: 0 } },
        facts(finished),
        {},
      ).fields['operation'],
    ).toMatchObject({ name: 'provision' });
  });
});
