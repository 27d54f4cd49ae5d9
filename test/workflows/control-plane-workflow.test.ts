// Control-plane operations through the cluster workflow on the simulators: scale 1 → 3 with etcd
// membership changed explicitly (snapshot first) while Proxmox answers 5xx now and then, a rollout
// of changed machines one at a time, and an upgrade that replaces the control plane (RollingUpdate)
// while the workers are upgraded in place — one's first Talos upgrade rolls back, blocks, and a retry
// finishes it. Invariants over the simulators' event logs in every test.
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteClusterSignal, desiredClusterSignal, planQuery, type ClusterProgress } from '../../api/cluster-messages.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { retryUpdate } from '../../api/operation-messages.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { assertHistoryClean } from '../harness/history-hygiene.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';
import { saveHistoryIfAsked } from './save-history.ts';

let stack: LifecycleStack;
let handle: ClusterHandle;
let probe: ClusterProbe;
beforeAll(async () => {
  stack = await startLifecycleStack('control-plane');
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const cluster = 'iota';
const workflowId = `cluster/default/${cluster}`;
let spec: DesiredClusterInput = simDesiredCluster(cluster, 87, {
  controlPlane: { replicas: 1, machine: simMachineShape, strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 } },
  machineDeployments: [{ name: 'md-0', replicas: 2, machine: simMachineShape, strategy: { type: 'InPlace' }, nodeDrainTimeoutSeconds: 30 }],
  versionCatalog: {
    kubernetes: ['v1.34.2', 'v1.35.1'],
    talos: [
      { version: 'v1.11.5', kubernetesMin: 'v1.29', kubernetesMax: 'v1.34' },
      { version: 'v1.12.4', kubernetesMin: 'v1.30', kubernetesMax: 'v1.35' },
    ],
  },
});
const change = (next: Partial<DesiredClusterInput>): DesiredClusterInput => {
  spec = { ...spec, ...next, generation: spec.generation + 1 };
  return spec;
};
const progress = (): Promise<ClusterProgress> => probe.progress();
const settled = (operations: number, timeoutMs?: number): Promise<ClusterProgress> => probe.settled(operations, timeoutMs);
const controlPlanes = (p: ClusterProgress) => p.machines.filter((m) => m.role === 'control-plane');

/** The voting etcd members of the cluster, by machine name. */
function voters(): string[] {
  const simulated = stack.talos.clusters().find((c) => c.name === cluster);
  return (simulated?.etcdMembers ?? [])
    .filter((m) => !m.learner)
    .map((m) => m.hostname)
    .sort();
}

const violations = (deletedAfterTalosEvent?: number): string[] =>
  invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), {
    cluster,
    ...(deletedAfterTalosEvent === undefined ? {} : { deletedAfterTalosEvent }),
  });

describe('control-plane operations', { timeout: 600_000 }, () => {
  it('provisions one control plane, then scales it to three, snapshot first, with Proxmox failing now and then', async () => {
    handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec);
    probe = new ClusterProbe(handle);
    await settled(1);
    const plan = await handle.query(planQuery, { ...spec, controlPlane: { ...spec.controlPlane, replicas: 3 } });
    expect(plan.ok && plan.steps).toEqual([
      'take an etcd snapshot',
      'create new control-plane machine 1',
      'wait until new control-plane machine 1 is Ready and its etcd member healthy',
      'create new control-plane machine 2',
      'wait until new control-plane machine 2 is Ready and its etcd member healthy',
    ]);
    stack.proxmox.faults.set5xxRate(0.15);
    try {
      await handle.signal(desiredClusterSignal, change({ controlPlane: { ...spec.controlPlane, replicas: 3 } }));
      const done = await settled(2);
      expect(done.recent.at(-1)).toMatchObject({ kind: 'scale-control-plane', outcome: 'Succeeded' });
      expect(voters()).toEqual(
        controlPlanes(done)
          .map((m) => m.name)
          .sort(),
      );
      // Both new machines were built side by side: both machine runs started before the
      // operation first waited for a member to vote.
      const history = await stack.env.client.workflow.getHandle(`${workflowId}/scale-control-plane/2`).fetchHistory();
      const kinds = (history.events ?? []).flatMap((e) =>
        e.startChildWorkflowExecutionInitiatedEventAttributes
          ? ['child']
          : e.activityTaskScheduledEventAttributes?.activityType?.name === 'talosWaitForEtcdMember'
            ? ['wait']
            : [],
      );
      expect(kinds.slice(0, 3)).toEqual(['child', 'child', 'wait']);
    } finally {
      stack.proxmox.faults.set5xxRate(0);
    }
    const snapshots = `${stack.snapshotDir}/default/${cluster}`;
    expect(existsSync(snapshots) && readdirSync(snapshots).some((f) => f.endsWith('.db'))).toBe(true);
    expect(violations()).toEqual([]);
    await saveHistoryIfAsked(stack.env, `${workflowId}/scale-control-plane/2`, 'scale-control-plane');
  }, 600_000);

  it('rolls out a changed control-plane machine shape one machine at a time, the new member voting before the old leaves', async () => {
    const before = controlPlanes(await progress()).map((m) => m.name);
    await handle.signal(
      desiredClusterSignal,
      change({ controlPlane: { ...spec.controlPlane, machine: { ...simMachineShape, cores: 4 } } }),
    );
    const done = await settled(3);
    expect(done.recent.at(-1)).toMatchObject({ kind: 'rollout-control-plane', outcome: 'Succeeded' });
    const after = controlPlanes(done).map((m) => m.name);
    expect(after).toHaveLength(3);
    expect(after.some((n) => before.includes(n))).toBe(false);
    expect(voters()).toEqual([...after].sort());
    expect(violations()).toEqual([]);
  }, 600_000);

  it('upgrades Talos and Kubernetes by replacing control planes and in place on the worker; a rolled-back upgrade blocks until retried', async () => {
    // Two workers, so the drain before an in-place upgrade can move the PDB-covered pods across.
    const workers = (await progress()).machines
      .filter((m) => m.role === 'worker')
      .map((m) => m.name)
      .sort();
    const worker = (await progress()).machines.find((m) => m.role === 'worker');
    stack.talos.faults.failNextUpgrade(worker?.address ?? '');
    await handle.signal(desiredClusterSignal, change({ kubernetesVersion: 'v1.35.1', talosVersion: 'v1.12.4' }));
    const blocked = await probe.blocked(300_000);
    expect(blocked).toMatchObject({ errorType: 'TalosUpgradeFailed', workflowId: `${workflowId}/upgrade/4` });
    expect(blocked.message).toContain('rolled back');
    expect(blocked.step).toContain(`upgrade Talos on ${worker?.name ?? ''}`);
    await stack.env.client.workflow.getHandle(blocked.workflowId).executeUpdate(retryUpdate);
    const done = await settled(4);
    expect(done.recent.at(-1)).toMatchObject({ kind: 'upgrade', outcome: 'Succeeded' });
    expect(done.machines.every((m) => m.kubernetesVersion === 'v1.35.1' && m.talosVersion === 'v1.12.4')).toBe(true);
    expect(
      done.machines
        .filter((m) => m.role === 'worker')
        .map((m) => m.name)
        .sort(),
    ).toEqual(workers); // upgraded in place
    expect(
      stack.talos
        .nodes()
        .filter((n) => n.clusterName === cluster && n.stage === 'running')
        .map((n) => n.talosVersion),
    ).toEqual(Array(5).fill('v1.12.4'));
    expect(violations()).toEqual([]);
    await assertHistoryClean(stack.env, `${workflowId}/upgrade/4`, [stack.proxmox.token.secret]);
    await saveHistoryIfAsked(stack.env, `${workflowId}/upgrade/4`, 'upgrade-rolling-control-plane');
  }, 900_000);

  it('deletes the cluster', async () => {
    const before = stack.talos.events.list().at(-1)?.seq ?? 0;
    await handle.signal(deleteClusterSignal);
    expect(await probe.deleted()).toEqual({ deleted: true });
    expect(stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`))).toEqual([]);
    expect(violations(before)).toEqual([]);
    await saveHistoryIfAsked(stack.env, workflowId, 'cluster');
  });
});
