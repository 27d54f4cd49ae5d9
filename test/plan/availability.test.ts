import { describe, expect, it } from 'vitest';
import { controlPlaneAvailability, workersAvailability } from '../../plan/availability.ts';
import { observedCluster } from '../../plan/observed-cluster.ts';
import { desired } from './cluster-fixture.ts';
import { observation, seen, seenControlPlane } from './observation-fixture.ts';

const dead = { id: 'x', learner: false, healthy: false };

describe('availability from an observation', () => {
  it.each([
    ['a healthy cluster', [seenControlPlane('a'), seenControlPlane('b'), seenControlPlane('c')], {}, 'Available'],
    ['one of three members down', [seenControlPlane('a', { etcd: dead }), seenControlPlane('b'), seenControlPlane('c')], {}, 'Available'],
    [
      'two of three members down',
      [seenControlPlane('a', { etcd: dead }), seenControlPlane('b', { etcd: dead }), seenControlPlane('c')],
      {},
      'EtcdQuorumLost',
    ],
    ['no control plane answers for etcd', [seenControlPlane('a')], { etcdMembers: undefined }, 'EtcdUnreachable'],
    ['the API does not answer', [seenControlPlane('a')], { kubernetesApi: 'unreachable' as const }, 'ApiServerUnreachable'],
    ['never bootstrapped', [], { controlPlaneInitialized: false }, 'NotInitialized'],
  ])('control plane: %s', (_, machines, overrides, reason) => {
    const seenNow = observation(machines, overrides);
    expect(controlPlaneAvailability(seenNow, observedCluster(seenNow)).reason).toBe(reason);
  });

  it('workers: every MachineDeployment needs replicas − maxUnavailable Ready machines', () => {
    const ok = observedCluster(observation([seen('md-0-0'), seen('md-0-1')]));
    expect(workersAvailability(desired(), ok)).toMatchObject({ available: true });
    const short = observedCluster(observation([seen('md-0-0'), seen('md-0-1', { node: undefined })]));
    expect(workersAvailability(desired(), short)).toEqual({
      available: false,
      reason: 'NotEnoughReadyWorkers',
      message: 'md-0: 1 of 2 Ready, 2 needed',
    });
  });
});
