import { describe, expect, it } from 'vitest';
import { cloneSlotsWorkflowId, clusterWorkflowId, machineWorkflowId, operationWorkflowId } from '../../api/ids.ts';
import { clusterKey } from '../../api/cluster-ref.ts';

describe('workflow ids', () => {
  it.each([
    [clusterWorkflowId('default', 'alpha'), 'cluster/default/alpha'],
    [operationWorkflowId('default', 'alpha', 'upgrade', 7), 'cluster/default/alpha/upgrade/7'],
    [operationWorkflowId('team-a', 'beta', 'rollout-machine-deployment', 3), 'cluster/team-a/beta/rollout-machine-deployment/3'],
    [machineWorkflowId('default', 'alpha', 'alpha-cp-x7k2p', 'create'), 'cluster/default/alpha/machine/alpha-cp-x7k2p/create'],
    [clusterKey({ namespace: 'default', name: 'alpha' }), 'default/alpha'],
    [cloneSlotsWorkflowId('pve.example.com:8006', 'ceph'), 'capstan-clone-slots/pve.example.com:8006/ceph'],
  ])('%s', (id, expected) => {
    expect(id).toBe(expected);
  });

  it('refuses ids Temporal would reject', () => {
    const longName = 'a'.repeat(253);
    expect(() => machineWorkflowId('default', longName, 'b'.repeat(63), 'delete')).toThrow(/longer than 255 characters/);
  });
});
