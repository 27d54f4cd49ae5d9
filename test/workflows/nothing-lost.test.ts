// Nothing is lost on any failure: a wrong template and a patch that cannot apply refused before
// any VM is built and fixed in the spec, a blocked clone superseded by a new spec (no abort
// needed), an operation terminated or reset in the middle of a batch, one aborted in the middle of
// a batch, and a delete while an operation is blocked or the cluster is refused. After each, the
// VMs carrying the cluster's marker are exactly its ProxmoxMachines, and the final delete leaves
// nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteClusterSignal, desiredClusterSignal, type ClusterProgress } from '../../api/cluster-messages.ts';
import { abortUpdate, pauseUpdate } from '../../api/operation-messages.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { inventoryViolations } from '../harness/inventory-invariant.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';

// Networks 127.0.110–119: no other test file uses them (files run in parallel; a shared address mixes up TLS).
let stack: LifecycleStack;
beforeAll(async () => {
  // The dev server: the time-skipping test server never tells a parent its child was terminated.
  // Runs terminated and reset on purpose give their clone slots back when the Proxmox clone task
  // stops, with the default 10-minute lease: a slot held to its lease would stall these cases.
  stack = await startLifecycleStack('nothing-lost', 'dev-server');
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const inventoryOf = (cluster: string) => inventoryViolations(stack.management.kubeConfig, stack.proxmox.vms(), { cluster });
const vmsOf = (cluster: string) => stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`));
const running = (p: ClusterProgress) => p.machines.filter((m) => m.phase === 'Running' && m.ready);

/** One cluster's workflow, its probe and its spec, changed one generation at a time. */
async function startCluster(name: string, net: number, overrides: Partial<DesiredClusterInput>) {
  let spec = simDesiredCluster(name, net, { observeIntervalSeconds: 5, ...overrides });
  const handle: ClusterHandle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec);
  const probe = new ClusterProbe(handle);
  const change = async (next: Partial<DesiredClusterInput>): Promise<void> => {
    spec = { ...spec, ...next, generation: spec.generation + 1 };
    await handle.signal(desiredClusterSignal, spec);
  };
  const remove = async (): Promise<void> => {
    const from = stack.talos.events.list().at(-1)?.seq ?? 0;
    await handle.signal(deleteClusterSignal);
    expect(await probe.deleted()).toEqual({ deleted: true });
    expect(vmsOf(name)).toEqual([]);
    expect(await inventoryOf(name)).toEqual([]);
    expect(
      invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster: name, deletedAfterTalosEvent: from }),
    ).toEqual([]);
  };
  return { handle, probe, change, remove, spec: () => spec };
}

/** Steps of a machine build from its VM's start on: the VM exists, the machine is not done. */
const afterTheClone = /start VM|apply machine config|wait for Talos API|wait for node Ready/;

/**
 * The running operation's workflow id, once one of its machines is half-built (its VM started, the
 * node not yet Ready). The window is seconds wide; `start VM` alone lasts a few milliseconds in
 * the simulator and a poll could miss it.
 */
function halfBuilt(probe: ClusterProbe): Promise<string> {
  return eventually(
    async () => {
      const p = await probe.progress();
      const building = p.machines.filter((m) => m.phase === 'Provisioning' && afterTheClone.test(m.activity ?? ''));
      if (!p.operation || building.length === 0) throw new Error('no machine half-built yet');
      return p.operation.workflowId;
    },
    60_000,
    100,
  );
}

describe('nothing is lost', { timeout: 600_000 }, () => {
  // First: the clusters after it in this file share one Proxmox storage, and a clone whose run was
  // terminated or reset keeps its clone slot until the clone ends or its 10-minute lease does. Under
  // a loaded CI machine this test, run last, twice waited out its 5 minutes behind such slots.
  it('a cluster whose name is at the 63-character limit provisions and deletes without a trace', async () => {
    const name = `upsilon-${'x'.repeat(54)}z`;
    expect(name).toHaveLength(63);
    const c = await startCluster(name, 119, { machineDeployments: [{ name: 'md-0', replicas: 1, machine: simMachineShape }] });
    const done = await c.probe.settled(1);
    expect(running(done)).toHaveLength(2);
    const machines = done.machines.map((m) => m.name);
    expect(machines.every((m) => m.length <= 63)).toBe(true);
    expect(stack.proxmox.vms().filter((vm) => machines.includes(vm.name ?? ''))).toHaveLength(2);
    expect(await inventoryOf(name)).toEqual([]);
    await c.remove();
    expect(stack.proxmox.vms().filter((vm) => machines.includes(vm.name ?? ''))).toEqual([]);
  });

  it('a wrong template is refused before any VM is built; fixing it in the spec provisions', async () => {
    const c = await startCluster('lambda', 110, {
      controlPlane: {
        replicas: 1,
        machine: { ...simMachineShape, templateVmid: 9999 },
        sources: { template: 'lambda-cp', config: 'lambda' },
      },
    });
    const held = await c.probe.held();
    expect(held.held).toBe(
      'provision refused before anything was built: ProxmoxMachineTemplate default/lambda-cp spec.template.spec.templateID: VM 9999 does not exist in the Proxmox VE cluster: set the VMID of the Talos template to clone',
    );
    expect(held.operations).toBe(0);
    expect(vmsOf('lambda')).toEqual([]);
    await c.change({ controlPlane: { replicas: 1, machine: simMachineShape } });
    const done = await c.probe.settled(1);
    expect(done.recent.map((r) => [r.kind, r.outcome])).toEqual([['provision', 'Succeeded']]);
    expect(running(done)).toHaveLength(3);
    expect(await inventoryOf('lambda')).toEqual([]);
    await c.remove();
  });

  it('a patch whose path does not exist is refused before any VM is built; fixing it provisions', async () => {
    const badPatch = [{ op: 'replace' as const, path: '/machine/nonexistent/field', value: 'x' }];
    const c = await startCluster('mu', 111, { talos: { strategicPatches: [], configPatches: badPatch } });
    const held = await c.probe.held();
    expect(held.held).toMatch(
      /^provision refused before anything was built: the TalosControlPlane of \S+ spec\.controlPlaneConfig\.controlplane\.configPatches\[0\] \(replace \/machine\/nonexistent\/field\): .+: fix the patch or remove it/,
    );
    expect(vmsOf('mu')).toEqual([]);
    await c.change({ talos: { strategicPatches: [], configPatches: [] } });
    const done = await c.probe.settled(1);
    expect(done.bootstrapped).toBe(true);
    expect(running(done)).toHaveLength(3);
    expect(invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster: 'mu' })).toEqual([]);
    expect(await inventoryOf('mu')).toEqual([]);
    await c.remove();
  });

  it('a clone Proxmox refuses blocks the step; a new spec supersedes it without an abort', async () => {
    const c = await startCluster('rho', 116, {});
    await c.probe.settled(1);
    stack.proxmox.faults.failNextTask({ type: 'qmclone', message: "can't clone VM to node 'pve2' (VM uses local storage)" });
    await c.change({ machineDeployments: [{ name: 'md-0', replicas: 3, machine: simMachineShape }] });
    expect(await c.probe.blocked()).toMatchObject({ step: 'clone VM', errorType: 'ProxmoxInvalidRequest' });
    expect((await c.probe.progress()).phase).toBe('Blocked');
    await c.change({ machineDeployments: [{ name: 'md-0', replicas: 2, machine: simMachineShape }] });
    const done = await c.probe.settled(2);
    expect(done.recent.slice(0, 2).map((r) => [r.kind, r.outcome.split(':')[0]])).toEqual([
      ['provision', 'Succeeded'],
      ['scale-machine-deployment', 'Superseded'],
    ]);
    // The machine whose clone was refused is recorded; a repair removes it.
    expect(done.recent.slice(2).map((r) => [r.kind, r.outcome])).toEqual(done.recent.slice(2).map(() => ['repair', 'Succeeded']));
    expect(done.machines.filter((m) => m.role === 'worker' && m.ready)).toHaveLength(2);
    expect(await inventoryOf('rho')).toEqual([]);
    await c.remove();
  });

  it('an operation terminated in the middle of a batch leaves machines the next plan finds and finishes', async () => {
    const c = await startCluster('nu', 112, {});
    await c.probe.settled(1);
    await c.change({ machineDeployments: [{ name: 'md-0', replicas: 4, machine: simMachineShape }] });
    const scaling = await halfBuilt(c.probe);
    await stack.env.client.workflow.getHandle(scaling).terminate('an operator ended it from the Web UI');
    const done = await c.probe.settled(3);
    expect(done.recent.at(1)?.outcome).toMatch(/^Terminated/);
    expect(done.machines.filter((m) => m.role === 'worker' && m.ready)).toHaveLength(4);
    expect(invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster: 'nu' })).toEqual([]);
    expect(await inventoryOf('nu')).toEqual([]);
    await c.remove();
  });

  it('an operation reset to its start from the Web UI in the middle of a batch ends with every machine built once', async () => {
    const c = await startCluster('pi', 115, {});
    await c.probe.settled(1);
    await c.change({ machineDeployments: [{ name: 'md-0', replicas: 4, machine: simMachineShape }] });
    const scaling = await halfBuilt(c.probe);
    const { runId } = await stack.env.client.workflow.getHandle(scaling).describe();
    const history = await stack.env.client.workflow.getHandle(scaling).fetchHistory();
    const firstTask = (history.events ?? []).find((e) => e.workflowTaskCompletedEventAttributes);
    await stack.env.client.workflowService.resetWorkflowExecution({
      namespace: stack.env.namespace ?? 'default',
      workflowExecution: { workflowId: scaling, runId },
      reason: 'an operator reset it from the Web UI',
      workflowTaskFinishEventId: firstTask?.eventId,
      requestId: randomUUID(),
    });
    const done = await eventually(
      async () => {
        const p = await c.probe.progress();
        const workers = p.machines.filter((m) => m.role === 'worker');
        if (p.phase !== 'Idle' || workers.length !== 4 || !workers.every((m) => m.ready)) {
          throw new Error(`still ${p.phase} ${p.held ?? ''} ${JSON.stringify(p.recent.slice(-2))}`);
        }
        return p;
      },
      300_000,
      500,
    );
    expect(done.machines.filter((m) => m.role === 'worker')).toHaveLength(4);
    expect(invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster: 'pi' })).toEqual([]);
    expect(await inventoryOf('pi')).toEqual([]);
    await c.remove();
  });

  it('an operation paused and aborted in the middle of a batch holds the cluster; the next spec plans from what was built', async () => {
    const c = await startCluster('omicron', 114, {});
    await c.probe.settled(1);
    await c.change({ machineDeployments: [{ name: 'md-0', replicas: 4, machine: simMachineShape }] });
    const scaling = await halfBuilt(c.probe);
    const operation = stack.env.client.workflow.getHandle(scaling);
    await operation.executeUpdate(pauseUpdate);
    await operation.executeUpdate(abortUpdate, { args: ['the rack is being rewired'] });
    const held = await c.probe.held(120_000);
    expect(held.held).toMatch(/aborted: the rack is being rewired/);
    expect(await inventoryOf('omicron')).toEqual([]);
    await c.change({ machineDeployments: [{ name: 'md-0', replicas: 3, machine: simMachineShape }] });
    const done = await eventually(
      async () => {
        const p = await c.probe.progress();
        const workers = p.machines.filter((m) => m.role === 'worker');
        if (p.phase !== 'Idle' || workers.length !== 3 || !workers.every((m) => m.ready)) throw new Error(`still ${p.phase}`);
        return p;
      },
      300_000,
      500,
    );
    expect(done.recent.at(1)?.outcome).toMatch(/^Aborted: the rack is being rewired/);
    expect(invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster: 'omicron' })).toEqual([]);
    expect(await inventoryOf('omicron')).toEqual([]);
    await c.remove();
  });

  it('deleting a cluster while an operation is blocked ends the operation and deletes everything', async () => {
    const c = await startCluster('xi', 113, {});
    await c.probe.settled(1);
    stack.proxmox.faults.failNextTask({ type: 'qmclone', message: "can't clone VM to node 'pve2' (VM uses local storage)" });
    await c.change({ machineDeployments: [{ name: 'md-0', replicas: 3, machine: simMachineShape }] });
    await c.probe.blocked();
    await c.remove();
  });

  it('a provision aborted while its machines are blocked leaves every machine it started on record, and the held cluster deletes them', async () => {
    // Every machine is built at once: every clone is refused, so each of them blocks, the first control plane too.
    stack.proxmox.faults.failNextTask({ type: 'qmclone', message: "can't clone VM to node 'pve2' (VM uses local storage)", count: 1_000 });
    const c = await startCluster('tau', 118, {});
    const blocked = await c.probe.blocked();
    expect(blocked.step).toBe('clone VM');
    await stack.env.client.workflow.getHandle(blocked.workflowId).executeUpdate(abortUpdate, { args: ['the template is being rebuilt'] });
    const held = await c.probe.held(120_000);
    stack.proxmox.faults.clear();
    expect(held.held).toMatch(/aborted: the template is being rebuilt/);
    expect(held.bootstrapped).toBe(false);
    expect(held.machines.map((m) => m.role).sort()).toEqual(['control-plane', 'worker', 'worker']);
    // The other machines were being built alongside (workers wait for the control plane): each
    // VM there is is a recorded machine, so the next plan removes it as a leftover, or delete does.
    const recorded = held.machines.map((m) => m.name);
    expect(vmsOf('tau').filter((vm) => !recorded.includes(vm.name ?? ''))).toEqual([]);
    await c.remove();
    expect(vmsOf('tau')).toEqual([]);
  });

  it('a cluster refused before anything was built is deleted at once', async () => {
    const c = await startCluster('sigma', 117, { proxmox: { allowedNodes: ['pve1', 'pve9'] } });
    expect((await c.probe.held()).held).toContain('spec.allowedNodes[1]: pve9 is not a node of this Proxmox VE cluster');
    await c.remove();
  });
});
