// The cluster workflow end to end on the simulators: provision, a chained upgrade v1.33 → v1.36
// (Talos interleaved, InPlace and RollingUpdate groups), scale, a rolling update, a drain held by
// a PodDisruptionBudget (blocked → retry, blocked → abort), and delete. Every test asserts the
// invariants over the simulators' event logs.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteClusterSignal, desiredClusterSignal, planQuery, type ClusterProgress } from '../../api/cluster-messages.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { abortUpdate, retryUpdate } from '../../api/operation-messages.ts';
import { KubernetesSecretStore } from '../../activities/kubernetes/secret-store.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { dropGuard as liftGuard, guardNode } from '../harness/pdb-guard.ts';
import { assertHistoryClean } from '../harness/history-hygiene.ts';
import { invariantViolations, type AvailabilityRule } from '../harness/invariants.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';
import { saveHistoryIfAsked } from './save-history.ts';
import { kubeconfigSecret } from '../../api/cluster-secrets.ts';

let stack: LifecycleStack;
let handle: ClusterHandle;
let probe: ClusterProbe;
beforeAll(async () => {
  stack = await startLifecycleStack('cluster');
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const cluster = 'theta';
const workflowId = `cluster/default/${cluster}`;
const catalog = {
  kubernetes: ['v1.33.4', 'v1.34.2', 'v1.35.1', 'v1.36.1'],
  talos: [
    { version: 'v1.11.5', kubernetesMin: 'v1.29', kubernetesMax: 'v1.34' },
    { version: 'v1.12.4', kubernetesMin: 'v1.30', kubernetesMax: 'v1.35' },
    { version: 'v1.13.2', kubernetesMin: 'v1.31', kubernetesMax: 'v1.36' },
  ],
};
/** Three control planes and three workers: md-a upgraded in place, md-b replaced (surge 1, unavailable 0). */
let spec: DesiredClusterInput = simDesiredCluster(cluster, 86, {
  kubernetesVersion: 'v1.33.4',
  talosVersion: 'v1.11.5',
  controlPlane: { replicas: 3, machine: simMachineShape, strategy: { type: 'InPlace' } },
  machineDeployments: [
    {
      name: 'md-a',
      replicas: 2,
      machine: simMachineShape,
      strategy: { type: 'InPlace' },
      deletePolicy: 'Newest',
      nodeDrainTimeoutSeconds: 5,
    },
    {
      name: 'md-b',
      replicas: 1,
      machine: simMachineShape,
      strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
      nodeDrainTimeoutSeconds: 5,
    },
  ],
  versionCatalog: catalog,
});
const change = (next: Partial<DesiredClusterInput>): DesiredClusterInput => {
  spec = { ...spec, ...next, generation: spec.generation + 1 };
  return spec;
};
const deployment = (name: string) => spec.machineDeployments?.find((md) => md.name === name);
const withDeployment = (name: string, patch: object) =>
  (spec.machineDeployments ?? []).map((md) => (md.name === name ? { ...md, ...patch } : md));

const progress = (): Promise<ClusterProgress> => probe.progress();
const settled = (operations: number, timeoutMs?: number): Promise<ClusterProgress> => probe.settled(operations, timeoutMs);

async function workload(): Promise<KubeConfig> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(
    await new KubernetesSecretStore(stack.management.kubeConfig).read(kubeconfigSecret({ namespace: 'default', name: cluster })),
  );
  return kubeConfig;
}

function violations(availability: readonly AvailabilityRule[] = [], deletedAfterTalosEvent?: number): string[] {
  return invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), {
    cluster,
    availability,
    ...(deletedAfterTalosEvent === undefined ? {} : { deletedAfterTalosEvent }),
  });
}

const lastTalosEvent = (): number => stack.talos.events.list().at(-1)?.seq ?? 0;

// Each test waits on real (simulated) machines: under a loaded CI machine a step can take minutes.
describe('cluster workflow', { timeout: 600_000 }, () => {
  it('provisions the cluster from the first desired state it is signalled', async () => {
    // A low history limit makes the workflow continue-as-new several times during this file.
    handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec, { historyLimit: 300 });
    probe = new ClusterProbe(handle);
    const done = await settled(1);
    expect(done.recent).toEqual([expect.objectContaining({ kind: 'provision', outcome: 'Succeeded' })]);
    expect(done.machines).toHaveLength(6);
    expect(
      done.machines.every((m) => m.phase === 'Running' && m.ready && m.kubernetesVersion === 'v1.33.4' && m.talosVersion === 'v1.11.5'),
    ).toBe(true);
    expect(violations()).toEqual([]);
    // Nothing left to do: the dry run agrees.
    expect(await handle.query(planQuery)).toMatchObject({ ok: true, operation: 'none' });
  });

  it('shows the chained upgrade it would run, without running it', async () => {
    const plan = await handle.query(planQuery, { ...spec, kubernetesVersion: 'v1.36.1', talosVersion: 'v1.13.2' });
    expect(plan).toMatchObject({ ok: true, operation: 'upgrade' });
    expect(plan.ok && plan.steps).toEqual([
      'take an etcd snapshot',
      'upgrade control plane to v1.34.2',
      'upgrade Talos to v1.12.4',
      'upgrade control plane to v1.35.1',
      'upgrade Talos to v1.13.2',
      'upgrade control plane to v1.36.1',
      'upgrade workers md-a to v1.36.1, md-b to v1.36.1 with Talos v1.13.2',
    ]);
    expect((await progress()).phase).toBe('Idle');
  });

  it('upgrades v1.33.4 → v1.36.1 with Talos v1.11.5 → v1.13.2 interleaved, keeping quorum and availability', async () => {
    const before = lastTalosEvent();
    const started = Date.now();
    await handle.signal(desiredClusterSignal, change({ kubernetesVersion: 'v1.36.1', talosVersion: 'v1.13.2' }));
    const done = await settled(2, 600_000);
    const wallSeconds = (Date.now() - started) / 1000;
    expect(done.recent.at(-1)).toMatchObject({ kind: 'upgrade', outcome: 'Succeeded' });
    expect(done.machines.every((m) => m.kubernetesVersion === 'v1.36.1' && m.talosVersion === 'v1.13.2')).toBe(true);
    const nodes = await (await workload()).makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.status?.nodeInfo?.kubeletVersion)).toEqual(Array(6).fill('v1.36.1'));
    const simNodes = stack.talos.nodes().filter((n) => n.clusterName === cluster && n.stage === 'running');
    expect(simNodes.map((n) => n.talosVersion)).toEqual(Array(6).fill('v1.13.2'));
    expect(
      violations([
        { deployment: 'md-a', minReady: 1, afterTalosEvent: before },
        { deployment: 'md-b', minReady: 1, afterTalosEvent: before },
      ]),
    ).toEqual([]);
    const upgradeId = `${workflowId}/upgrade/2`;
    const events = (await stack.env.client.workflow.getHandle(upgradeId).fetchHistory()).events?.length ?? 0;
    const clusterEvents = (await handle.fetchHistory()).events?.length ?? 0;
    console.info(
      `chained upgrade v1.33.4 → v1.36.1 (3 control planes + 3 workers): ${wallSeconds.toFixed(1)} s wall; upgrade history ${events} events, cluster workflow ${clusterEvents} events`,
    );
    await assertHistoryClean(stack.env, upgradeId, [stack.proxmox.token.secret]);
    await saveHistoryIfAsked(stack.env, upgradeId, 'upgrade-chained');
  }, 900_000);

  it('scales a MachineDeployment up, then down by its delete policy (Newest)', async () => {
    const before = (await progress()).machines.filter((m) => m.deployment === 'md-a').map((m) => m.name);
    await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment('md-a', { replicas: 3 }) }));
    const up = await settled(3);
    const grown = up.machines.filter((m) => m.deployment === 'md-a');
    expect(grown).toHaveLength(3);
    const added = grown.map((m) => m.name).filter((n) => !before.includes(n));
    expect(added).toHaveLength(1);
    await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment('md-a', { replicas: 2 }) }));
    const down = await settled(4);
    expect(
      down.machines
        .filter((m) => m.deployment === 'md-a')
        .map((m) => m.name)
        .sort(),
    ).toEqual([...before].sort());
    expect(stack.proxmox.vms().some((vm) => vm.name === added[0])).toBe(false);
    expect(violations()).toEqual([]);
  });

  it('rolls out a MachineDeployment whose machine template changed, never below its replicas Ready (surge 1, unavailable 0)', async () => {
    await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment('md-b', { replicas: 2 }) }));
    const scaled = await settled(5);
    const old = scaled.machines.filter((m) => m.deployment === 'md-b').map((m) => m.name);
    const before = lastTalosEvent();
    const template = { ...deployment('md-b')?.machine, cores: 4 } as typeof simMachineShape;
    await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment('md-b', { machine: template }) }));
    const done = await settled(6);
    const now = done.machines.filter((m) => m.deployment === 'md-b');
    expect(now).toHaveLength(2);
    expect(now.some((m) => old.includes(m.name))).toBe(false);
    expect(
      stack.proxmox
        .vms()
        .filter((vm) => now.some((m) => m.name === vm.name))
        .every((vm) => vm.config['cores'] === 4),
    ).toBe(true);
    expect(violations([{ deployment: 'md-b', minReady: 2, afterTalosEvent: before }])).toEqual([]);
    await saveHistoryIfAsked(stack.env, `${workflowId}/rollout-machine-deployment/6`, 'rollout-machine-deployment');
  });

  it('starts the next machine of a rollout the moment a slot frees, not when the batch ends (surge 1, unavailable 1)', async () => {
    const old = (await progress()).machines.filter((m) => m.deployment === 'md-b').map((m) => m.name);
    const before = lastTalosEvent();
    const firstProxmoxEvent = (stack.proxmox.events.list().at(-1)?.seq ?? 0) + 1;
    const template = { ...deployment('md-b')?.machine, cores: 2 } as typeof simMachineShape;
    const strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 1 } as const;
    // New machines install slowly, so the batch's two halves (one machine built, one removed) end
    // seconds apart however loaded the machine running the test is.
    stack.talos.faults.slowBoot('all', 8);
    try {
      await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment('md-b', { machine: template, strategy }) }));
      const done = await settled(7);
      const now = done.machines.filter((m) => m.deployment === 'md-b').map((m) => m.name);
      expect(now).toHaveLength(2);
      expect(now.some((name) => old.includes(name))).toBe(false);
      // The first batch is one new machine (the surge) and one old one deleted (the unavailable).
      // Whichever ends first frees its slot: the second new machine's run starts before the batch's
      // other half has ended, as the server recorded the runs.
      const [first, second] = stack.proxmox.events
        .list({ type: 'vm.created' })
        .filter((e) => e.seq >= firstProxmoxEvent && now.includes(e.name ?? ''))
        .map((e) => e.name ?? '');
      const firstGone = stack.proxmox.events
        .list({ type: 'vm.destroyed' })
        .find((e) => e.seq >= firstProxmoxEvent && old.includes(e.name ?? ''))?.name;
      expect([first, second, firstGone].every((name) => name !== undefined)).toBe(true);
      const run = (machine: string | undefined, action: 'create' | 'delete') =>
        stack.env.client.workflow.getHandle(`${workflowId}/machine/${machine ?? ''}/${action}`).describe();
      const [firstBuilt, firstRemoved, secondBuilt] = await Promise.all([
        run(first, 'create'),
        run(firstGone, 'delete'),
        run(second, 'create'),
      ]);
      // A run with no close time makes the batch end NaN, which nothing is less than.
      const batchEnd = Math.max(firstBuilt.closeTime?.getTime() ?? NaN, firstRemoved.closeTime?.getTime() ?? NaN);
      expect(secondBuilt.startTime.getTime()).toBeLessThan(batchEnd);
      expect(violations([{ deployment: 'md-b', minReady: 1, afterTalosEvent: before }])).toEqual([]);
    } finally {
      stack.talos.faults.slowBoot('all', 1);
    }
  });

  it('blocks a drain held by a PodDisruptionBudget, naming it, and a retry finishes once the budget allows', async () => {
    const victim = await scaleUpAndGuard('md-a', 3, 'guard-budget', 8);
    await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment('md-a', { replicas: 2 }) }));
    const blocked = await probe.blocked();
    expect(blocked).toMatchObject({
      step: 'drain node',
      errorType: 'DrainBlockedByPdb',
      workflowId: `${workflowId}/machine/${victim}/delete`,
    });
    expect(blocked.message).toContain('guard-budget');
    expect((await progress()).phase).toBe('Blocked');
    await dropGuard('guard-budget');
    expect(await stack.env.client.workflow.getHandle(blocked.workflowId).executeUpdate(retryUpdate)).toEqual({ retried: 'drain node' });
    const done = await settled(9);
    expect(done.machines.filter((m) => m.deployment === 'md-a').map((m) => m.name)).not.toContain(victim);
    expect(violations()).toEqual([]);
  }, 300_000);

  it('ends an aborted operation consistently: the cluster is held, and the next spec finishes the half-deleted machine', async () => {
    const victim = await scaleUpAndGuard('md-a', 3, 'guard-again', 10);
    await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment('md-a', { replicas: 2 }) }));
    const blocked = await probe.blocked();
    await stack.env.client.workflow
      .getHandle(blocked.workflowId)
      .executeUpdate(abortUpdate, { args: ['the guard pod must stay until Monday'] });
    const held = await probe.held();
    expect(held.held).toContain('aborted: the guard pod must stay until Monday');
    expect(held.machines.find((m) => m.name === victim)).toMatchObject({ phase: 'Deleting' });
    expect(stack.proxmox.vms().some((vm) => vm.name === victim)).toBe(true); // nothing past the drain happened
    await dropGuard('guard-again');
    await handle.signal(desiredClusterSignal, change({}));
    const done = await settled(12);
    // The half-deleted machine is a leftover: a repair finishes its delete before anything else.
    expect(done.recent.at(-1)).toMatchObject({ kind: 'repair', outcome: 'Succeeded' });
    expect(done.recent.at(-1)?.summary).toContain(`remove ${victim}`);
    expect(done.machines.some((m) => m.name === victim)).toBe(false);
    expect(stack.proxmox.vms().some((vm) => vm.name === victim)).toBe(false);
    expect(violations()).toEqual([]);
  }, 300_000);

  it('holds an invalid spec with the reason and starts nothing', async () => {
    const operations = (await progress()).operations;
    await handle.signal(desiredClusterSignal, change({ kubernetesVersion: 'v1.37.0' }));
    const held = await probe.held();
    expect(held.held).toMatch(/Talos v1.13.2 supports Kubernetes v1.31 to v1.36, not v1.37.0|not in the version catalog/);
    expect(held.operations).toBe(operations);
    await handle.signal(desiredClusterSignal, change({ kubernetesVersion: 'v1.36.1' }));
    expect((await settled(operations)).operations).toBe(operations);
  });

  it('deletes everything on deleteCluster and ends', async () => {
    const before = lastTalosEvent();
    // It continued as new between operations, carrying desired and observed state along.
    expect((await handle.describe()).runId).not.toBe(handle.signaledRunId);
    await handle.signal(deleteClusterSignal);
    expect(await probe.deleted()).toEqual({ deleted: true });
    expect(stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`))).toEqual([]);
    expect(violations([], before)).toEqual([]);
    await assertHistoryClean(stack.env, workflowId, [stack.proxmox.token.secret]);
  });
});

/**
 * Scales a group up by one, then pins a pod behind a budget that allows no disruption to the new
 * machine (the one the Newest delete policy gives up first); returns that machine.
 */
async function scaleUpAndGuard(group: string, replicas: number, budget: string, operations: number): Promise<string> {
  const before = (await progress()).machines.filter((m) => m.deployment === group).map((m) => m.name);
  await handle.signal(desiredClusterSignal, change({ machineDeployments: withDeployment(group, { replicas }) }));
  const victim = (await settled(operations)).machines.find((m) => m.deployment === group && !before.includes(m.name))?.name;
  if (!victim) throw new Error(`no new machine in ${group}`);
  await guardNode(await workload(), victim, budget);
  return victim;
}

async function dropGuard(budget: string): Promise<void> {
  await liftGuard(await workload(), budget);
}
