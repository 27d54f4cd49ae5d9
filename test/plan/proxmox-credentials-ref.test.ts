import { describe, expect, it } from 'vitest';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { observeClusterInput } from '../../api/observation.ts';
import { createMachineInput, deleteMachineInput } from '../../plan/machine-spec.ts';
import { preflightInput } from '../../plan/preflight-input.ts';
import { simDesiredCluster } from '../fixtures/desired-cluster.ts';

const withRef = (credentialsRef?: { name: string; namespace?: string }) =>
  DesiredCluster.parse(
    simDesiredCluster('alpha', 70, { proxmox: { allowedNodes: ['pve1'], ...(credentialsRef ? { credentialsRef } : {}) } }),
  );

describe("the cluster's Proxmox credentials Secret, by name only, in every input that reaches Proxmox", () => {
  it("is the same reference for building, deleting, checking and observing, in the cluster's namespace unless named", () => {
    const desired = withRef({ name: 'pve-a' });
    const expected = { namespace: 'default', name: 'pve-a' };
    const create = createMachineInput(desired, { name: 'alpha-cp-1', role: 'control-plane', bootstrap: true }, '127.0.70.10');
    expect(create.vm.credentials).toEqual(expected);
    expect(deleteMachineInput(desired, { name: 'alpha-cp-1', role: 'control-plane' }).vmSpec.credentials).toEqual(expected);
    expect(preflightInput(desired, 'all').credentials).toEqual(expected);
    expect(observeClusterInput(desired)).toEqual({ namespace: 'default', name: 'alpha', proxmoxCredentials: expected });

    const elsewhere = withRef({ name: 'pve', namespace: 'capmox-system' });
    expect(observeClusterInput(elsewhere).proxmoxCredentials).toEqual({ namespace: 'capmox-system', name: 'pve' });
  });

  it("is absent without a credentialsRef: the worker's own Proxmox builds the cluster", () => {
    const desired = withRef();
    expect(
      createMachineInput(desired, { name: 'alpha-cp-1', role: 'control-plane', bootstrap: true }, '127.0.70.10').vm,
    ).not.toHaveProperty('credentials');
    expect(preflightInput(desired, 'all')).not.toHaveProperty('credentials');
    expect(observeClusterInput(desired)).toEqual({ namespace: 'default', name: 'alpha' });
  });
});
