import { describe, expect, it } from 'vitest';
import { machinePhase, machineReady, observedCluster } from '../../plan/observed-cluster.ts';
import { observation, seen, seenControlPlane } from './observation-fixture.ts';

describe('the planners read machines off an observation', () => {
  it.each([
    ['a joined machine runs', seen('w'), 'Running', true],
    ['a machine being deleted', seen('w', { deleting: true }), 'Deleting', true],
    [
      'an intent whose VM was never cloned is still provisioning',
      seen('w', { providerID: undefined, vm: undefined, node: undefined, hadNode: false }),
      'Provisioning',
      false,
    ],
    ['a machine whose VM is gone has failed', seen('w', { vm: undefined, node: undefined }), 'Failed', false],
    ['a VM without a Node yet is provisioning', seen('w', { node: undefined, hadNode: false }), 'Provisioning', false],
    ['a stopped VM runs, not Ready', seen('w', { vm: { node: 'pve1', vmid: 101, status: 'stopped' } }), 'Running', false],
    ['a deleted Node: running, not Ready', seen('w', { node: undefined }), 'Running', false],
    [
      'a NotReady Node',
      seen('w', { node: { ready: 'False', kubeletVersion: 'v1.33.4', unschedulable: false, conditions: [] } }),
      'Running',
      false,
    ],
    [
      'a control plane whose etcd member is unhealthy',
      seenControlPlane('cp', { etcd: { id: '1', learner: false, healthy: false } }),
      'Running',
      false,
    ],
    ['a control plane still a learner', seenControlPlane('cp', { etcd: { id: '1', learner: true, healthy: true } }), 'Running', false],
  ])('%s', (_, machine, phase, ready) => {
    expect(machinePhase(machine)).toBe(phase);
    expect(machineReady(machine)).toBe(ready);
  });

  it('takes versions from what the machine reports, the intent only where nothing answers', () => {
    const reported = observedCluster(
      observation([
        seen('w', {
          node: { ready: 'True', kubeletVersion: 'v1.34.2', unschedulable: false, conditions: [] },
          talos: { reachable: true, version: 'v1.12.0' },
        }),
      ]),
    );
    expect(reported.machines[0]).toMatchObject({ kubernetesVersion: 'v1.34.2', talosVersion: 'v1.12.0' });
    const silent = observedCluster(observation([seen('w', { node: undefined, talos: { reachable: false, problem: 'refused' } })]));
    expect(silent.machines[0]).toMatchObject({ kubernetesVersion: 'v1.33.4', talosVersion: 'v1.11.5' });
  });

  it('knows etcd membership only when etcd answered', () => {
    const members = observation([seenControlPlane('cp-a'), seenControlPlane('cp-b', { etcd: undefined })]);
    expect(observedCluster(members).machines.map((m) => m.etcdMember)).toEqual([true, false]);
    const silent = observation([seenControlPlane('cp-a')], { etcdMembers: undefined });
    expect(observedCluster(silent).machines[0]?.etcdMember).toBeUndefined();
  });
});
