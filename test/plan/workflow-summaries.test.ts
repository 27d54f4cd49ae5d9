import { describe, expect, it } from 'vitest';
import type { ClusterPlan } from '../../api/cluster-plan.ts';
import { planCluster } from '../../plan/cluster-plan.ts';
import { createMachineInput, deleteMachineInput, toDelete } from '../../plan/machine-spec.ts';
import {
  cloneSlotsMetadata,
  clusterWorkflowMetadata,
  createMachineMetadata,
  deleteMachineMetadata,
  operationMetadata,
} from '../../plan/workflow-summaries.ts';
import { desired, observed } from './cluster-fixture.ts';
import { controlPlane } from './machines.ts';

const demo = { namespace: 'default', name: 'demo' };
// Secrets in patches: none of them may reach a summary or details.
const withSecrets = desired({
  talos: {
    strategicPatches: ['machine:\n  token: SECRET-TOKEN\n'],
    configPatches: [{ op: 'add', path: '/cluster/secret', value: 'SECRET-KEY' }],
  },
});
const planned = (plan: ClusterPlan): Extract<ClusterPlan, { ok: true }> => {
  if (!plan.ok) throw new Error(plan.reason);
  return plan;
};

describe('workflow summaries', () => {
  it('the cluster workflow says what it is for and where to look', () => {
    const { staticSummary, staticDetails } = clusterWorkflowMetadata(demo);
    expect(staticSummary).toBe('cluster default/demo: observes it, plans from its spec, runs one operation at a time');
    expect(staticDetails).toContain('`clusterProgress`');
  });

  it('a provisioning names the cluster, its machines and its step count, and lists the steps', () => {
    const plan = planned(planCluster({ desired: withSecrets, observed: { machines: [], bootstrapped: false } }));
    const { staticSummary, staticDetails } = operationMetadata(demo, plan);
    expect(staticSummary).toBe(`provision default/demo: 3 control-plane machines, 2 workers (${plan.steps.length} steps)`);
    expect(staticDetails).toContain(`1. ${plan.steps[0] ?? ''}`);
    expect(`${staticSummary}${staticDetails}`).not.toMatch(/SECRET/);
  });

  it('an upgrade names the cluster, the versions, its hops and the machines it changes', () => {
    const plan = planned(
      planCluster({ desired: desired({ kubernetesVersion: 'v1.36.1', talosVersion: 'v1.13.2' }), observed: observed() }),
    );
    const { staticSummary, staticDetails } = operationMetadata(demo, plan, 24);
    expect(staticSummary).toBe('default/demo: upgrade Kubernetes v1.33.4 → v1.36.1, Talos v1.11.5 → v1.13.2 (24 steps, 5 machines)');
    expect(staticDetails).toContain('**Planned hops**');
    expect(staticDetails).toContain('- `cp-0`: Kubernetes v1.33.4 → v1.36.1, Talos v1.11.5 → v1.13.2');
    expect(staticDetails).toContain('`retry`');
  });

  it('a scale counts its steps; a long step list is cut', () => {
    const plan = planned(
      planCluster({
        desired: desired({
          machineDeployments: [{ name: 'md-0', replicas: 40, machine: { cores: 2, memoryMiB: 4096, diskGiB: 20, templateVmid: 9000 } }],
        }),
        observed: observed(),
      }),
    );
    const { staticSummary, staticDetails } = operationMetadata(demo, plan);
    expect(staticSummary).toBe('default/demo: scale md-0 2 → 40 (38 steps)');
    expect(staticDetails).toContain('30. create a machine in md-0');
    expect(staticDetails).not.toContain('31. ');
    expect(staticDetails).toContain('- … and 8 more');
  });

  it('a machine build names the machine, its group and versions, never its config', () => {
    const input = createMachineInput(
      withSecrets,
      { name: 'demo-md-0-e1db4', role: 'worker', deployment: 'md-0', bootstrap: false },
      '10.0.0.10',
    );
    const { staticSummary, staticDetails } = createMachineMetadata(input);
    expect(staticSummary).toBe('create worker demo-md-0-e1db4 in md-0 of default/demo (Kubernetes v1.33.4, Talos v1.11.5)');
    expect(staticDetails).toContain('cloned from template 9000; 2 cores, 4096 MiB, 20 GiB disk');
    expect(`${staticSummary}${staticDetails}`).not.toMatch(/SECRET|patch/i);
  });

  it('the first control plane says it bootstraps etcd', () => {
    const input = createMachineInput(desired(), { name: 'demo-cp-a9021', role: 'control-plane', bootstrap: true }, '10.0.0.10');
    expect(createMachineMetadata(input).staticSummary).toBe(
      'create control-plane demo-cp-a9021 of default/demo (Kubernetes v1.33.4, Talos v1.11.5), bootstraps etcd',
    );
  });

  it('a machine removal names its VM and how its drain ends', () => {
    const machine = toDelete(controlPlane('demo-cp-a9021', { vm: { vmid: 105, node: 'pve2' } }));
    const { staticSummary, staticDetails } = deleteMachineMetadata(deleteMachineInput(desired(), machine));
    expect(staticSummary).toBe('delete control-plane demo-cp-a9021 of default/demo (VM 105 on pve2)');
    expect(staticDetails).toContain('drain for up to 600s, PodDisruptionBudgets respected; then the step blocks');
    expect(staticDetails).toContain('leaves etcd');
  });

  it('a detached removal does not drain', () => {
    const machine = toDelete(controlPlane('demo-cp-a9021', { vm: undefined }));
    const { staticSummary, staticDetails } = deleteMachineMetadata(deleteMachineInput(desired(), machine, { detached: true }));
    expect(staticSummary).toBe('delete control-plane demo-cp-a9021 of default/demo (VM not recorded)');
    expect(staticDetails).toContain('no drain');
  });

  it('the clone semaphore names its storage and limit', () => {
    expect(cloneSlotsMetadata('pve.example', 'local-lvm', 2).staticSummary).toBe(
      'clone slots of storage local-lvm on pve.example: 2 clones at once',
    );
  });
});
