import { describe, expect, it } from 'vitest';
import { clusterKey, clusterWorkflowId, machineWorkflowId, rolloutWorkflowId, upgradeWorkflowId } from '../../api/ids.ts';

describe('workflow ids', () => {
  it.each([
    [clusterWorkflowId('default', 'alpha'), 'cluster/default/alpha'],
    [upgradeWorkflowId('default', 'alpha', 'v1.33.4', 'v1.36.1', 7), 'cluster/default/alpha/upgrade/v1.33.4-v1.36.1/7'],
    [rolloutWorkflowId('team-a', 'beta', 'md-0', 3), 'cluster/team-a/beta/rollout/md-0/3'],
    [machineWorkflowId('default', 'alpha', 'alpha-cp-x7k2p', 'create'), 'cluster/default/alpha/machine/alpha-cp-x7k2p/create'],
    [clusterKey('default', 'alpha'), 'default/alpha'],
  ])('%s', (id, expected) => {
    expect(id).toBe(expected);
  });

  it('refuses ids Temporal would reject', () => {
    const longName = 'a'.repeat(253);
    expect(() => machineWorkflowId('default', longName, 'b'.repeat(63), 'delete')).toThrow(/longer than 255 characters/);
  });
});
