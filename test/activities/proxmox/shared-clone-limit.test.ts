import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireCloneSlotSignal, cloneSlotsQuery, releaseCloneSlotSignal } from '../../../api/clone-slots.ts';
import { cloneSlotsWorkflowId } from '../../../api/ids.ts';
import type { MachineVmSpecInput } from '../../../api/proxmox.ts';
import { createProxmoxActivities } from '../../../activities/proxmox/proxmox-activities.ts';
import { ProxmoxClient } from '../../../activities/proxmox/proxmox-client.ts';
import { oneProxmoxClient } from '../../../activities/proxmox/proxmox-clients.ts';
import { defaultSharedCloneSlotSettings, sharedCloneSlots } from '../../../activities/proxmox/shared-clone-slots.ts';
import type { SlotProbePlan, slotProbeWorkflow } from '../../fixtures/clone-workflows.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { peakClonesPerStorage } from '../../harness/clone-concurrency.ts';
import { createTimeSkippingEnvironment } from '../../harness/time-skipping.ts';

let env: TestWorkflowEnvironment;
let sim: ProxmoxSim;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
const taskQueue = 'shared-clone-limit';
/** Which worker ran each machine's clone activity. */
const ranOn = new Map<string, string>();
/** The probes' semaphore: one slot on a storage of its own. */
const probeHost = 'probe.invalid:8006';
const probeSlots = () => env.client.workflow.getHandle(cloneSlotsWorkflowId(probeHost, 'probe'));
const probeHolders = async () => (await probeSlots().query(cloneSlotsQuery)).holders.map((h) => h.holder);
const probeWaiting = async () => (await probeSlots().query(cloneSlotsQuery)).waiting.map((w) => w.holder);
/** The Proxmox task of the `fail-while-the-task-runs` probe: it stops when the test says. */
const probeTask = (() => {
  let stop = (): void => undefined;
  const stops = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return {
    stops,
    stop: () => {
      stop();
    },
  };
})();

/**
 * A clone step that fails where the plan says; in the retry of `fail-after-submit-then-succeed`,
 * it returns who held and waited while it cloned. Another clone asks for the slot while the first
 * attempt's clone runs.
 */
async function probeCloneSlot(plan: SlotProbePlan, key: string): Promise<string[]> {
  const { client, info } = Context.current();
  const slots = sharedCloneSlots(client, probeHost, { ...defaultSharedCloneSlotSettings, limit: 1, pollMs: 50 });
  return slots.run('probe', key, async (submitted) => {
    if (plan === 'fail-before-submit') throw ApplicationFailure.nonRetryable('refused before the clone started');
    if (plan === 'fail-while-the-task-runs') {
      // Its Proxmox task goes on after the activity ends, until the test lets it stop.
      submitted(async () => {
        await probeTask.stops;
        return true;
      });
      throw ApplicationFailure.nonRetryable('the run was terminated while its clone ran');
    }
    submitted();
    if (info.attempt === 1) {
      await client.workflow.getHandle(cloneSlotsWorkflowId(probeHost, 'probe')).signal(acquireCloneSlotSignal, {
        holder: 'other',
        attempt: 1,
        first: true,
        limit: 1,
        leaseMs: 10 * 60_000,
        waitLeaseMs: 60 * 60_000,
      });
      const retry = plan === 'fail-after-submit-then-succeed';
      throw ApplicationFailure.create({ message: 'lost track of the running clone', nonRetryable: !retry });
    }
    return [...(await probeHolders()).map((h) => `holds ${h}`), ...(await probeWaiting()).map((w) => `waits ${w}`)];
  });
}

beforeAll(async () => {
  // Clones take ~400 ms, long enough to overlap when the limit lets them.
  sim = await startProxmoxSim({ scale: 0.05, seed: 11 });
  env = await createTimeSkippingEnvironment();
  for (const name of ['worker-a', 'worker-b']) {
    // Each worker its own activities, as two processes would have: nothing shared in memory.
    const activities = createProxmoxActivities({
      clients: oneProxmoxClient(
        new ProxmoxClient({ baseUrl: sim.url, tokenId: sim.token.id, tokenSecret: sim.token.secret, caPem: sim.caPem }),
      ),
      clonesPerStorage: 2,
      cloneSlots: { pollMs: 50 },
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      // One process registers a task queue once per build id; without versioning both poll it alike.
      workerDeploymentOptions: { version: { deploymentName: 'capstan-test', buildId: name }, useWorkerVersioning: false },
      workflowsPath: fileURLToPath(new URL('../../fixtures/clone-workflows.ts', import.meta.url)),
      // Three at a time each, so both workers take clones of the eight.
      maxConcurrentActivityTaskExecutions: 3,
      activities: {
        ...activities,
        probeCloneSlot,
        proxmoxEnsureVm: (spec: MachineVmSpecInput, node: string, options?: { readonly cloneFirst?: boolean }) => {
          ranOn.set(spec.machine, name);
          return activities.proxmoxEnsureVm(spec, node, options);
        },
      },
    });
    workers.push({ worker, running: worker.run() });
  }
}, 60_000);
afterAll(async () => {
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await env.teardown();
  await sim.stop();
});

function machine(index: number): MachineVmSpecInput {
  return {
    cluster: 'default/shared',
    machine: `shared-${index}`,
    templateVmid: 9000,
    allowedNodes: ['pve1', 'pve2', 'pve3'],
    cores: 1,
    memoryMiB: 1024,
    diskGiB: 10,
    address: { ip: `127.0.61.${index + 10}`, prefix: 24, gateway: '127.0.61.1', dns: ['127.0.0.53'] },
  };
}

describe('clone slots shared by two workers', () => {
  it('never runs more clones on one storage than the limit, whichever worker clones', async () => {
    const runs = Array.from({ length: 8 }, (_, index) =>
      env.client.workflow.execute('cloneMachineWorkflow', {
        taskQueue,
        workflowId: `shared-clone/${index}`,
        args: [machine(index), index % 4 === 0],
      }),
    );
    const vmids = await Promise.all(runs);
    expect(new Set(vmids).size).toBe(8);
    expect(new Set(ranOn.values())).toEqual(new Set(['worker-a', 'worker-b']));
    // Every clone wrote to the template's storage; two at a time, never more (each worker alone allows two).
    expect(peakClonesPerStorage(sim.events.list())).toEqual({ ceph: 2 });
    expect(sim.vms().filter((vm) => vm.name?.startsWith('shared-')).length).toBe(8);
  });

  it('gives the slot back when the clone failed before Proxmox took it on', async () => {
    const outcome = await env.client.workflow.execute<typeof slotProbeWorkflow>('slotProbeWorkflow', {
      taskQueue,
      workflowId: 'probe/before',
      args: ['fail-before-submit', '101'],
    });
    expect(outcome).toBe('failed');
    await expect.poll(probeHolders, { timeout: 10_000 }).toEqual([]);
  });

  it('keeps the slot held when the clone step fails after Proxmox took the clone on', async () => {
    const outcome = await env.client.workflow.execute<typeof slotProbeWorkflow>('slotProbeWorkflow', {
      taskQueue,
      workflowId: 'probe/after',
      args: ['fail-after-submit', '102'],
    });
    expect(outcome).toBe('failed');
    // The clone may still run in Proxmox: the slot stays its own, the other clone waits.
    expect(await probeHolders()).toEqual(['probe/after/1#102']);
    expect(await probeWaiting()).toEqual(['other']);
  });

  it('lets the retry take over the slot its failed attempt left, ahead of the clone that asked meanwhile, and give it back', async () => {
    // Clear the slot the previous probe left to its lease.
    await probeSlots().signal(releaseCloneSlotSignal, { holder: 'probe/after/1#102', attempt: 1 });
    await expect.poll(probeHolders, { timeout: 10_000 }).toEqual(['other']);
    await probeSlots().signal(releaseCloneSlotSignal, { holder: 'other', attempt: 1 });
    await expect.poll(probeHolders, { timeout: 10_000 }).toEqual([]);
    const outcome = await env.client.workflow.execute<typeof slotProbeWorkflow>('slotProbeWorkflow', {
      taskQueue,
      workflowId: 'probe/retry',
      args: ['fail-after-submit-then-succeed', '103'],
    });
    // One slot, held once by the clone across its two attempts; the other clone still waits.
    expect(outcome).toEqual(['holds probe/retry/1#103', 'waits other']);
    await expect.poll(probeHolders, { timeout: 10_000 }).toEqual(['other']);
  });

  it('gives the slot of a clone that outlived its activity (a terminated run) back when its Proxmox task stops, not when the lease ends', async () => {
    await probeSlots().signal(releaseCloneSlotSignal, { holder: 'other', attempt: 1 });
    await expect.poll(probeHolders, { timeout: 10_000 }).toEqual([]);
    const outcome = await env.client.workflow.execute<typeof slotProbeWorkflow>('slotProbeWorkflow', {
      taskQueue,
      workflowId: 'probe/outlived',
      args: ['fail-while-the-task-runs', '104'],
    });
    expect(outcome).toBe('failed');
    // The clone still runs in Proxmox: the slot stays held, with no retry coming to take it over.
    expect(await probeHolders()).toEqual(['probe/outlived/1#104']);
    probeTask.stop();
    // Seconds, not the 10-minute lease (time is not skipped while this test only queries).
    await expect.poll(probeHolders, { timeout: 10_000 }).toEqual([]);
  });

  it('gives the slot back when Proxmox reports the clone task failed: nothing runs in it any more', async () => {
    sim.faults.failNextTask({ type: 'qmclone', message: "can't clone VM to node 'pve2' (VM uses local storage)", count: 1_000 });
    try {
      await expect(
        env.client.workflow.execute('cloneMachineWorkflow', { taskQueue, workflowId: 'shared-clone/refused', args: [machine(20), true] }),
      ).rejects.toThrow();
    } finally {
      sim.faults.clear();
    }
    const ceph = env.client.workflow.getHandle(cloneSlotsWorkflowId(new URL(sim.url).host, 'ceph'));
    await expect.poll(async () => (await ceph.query(cloneSlotsQuery)).holders, { timeout: 10_000 }).toEqual([]);
    // The storage is free for the next clone at once, not after the failed clone's lease.
    await expect(
      env.client.workflow.execute('cloneMachineWorkflow', {
        taskQueue,
        workflowId: 'shared-clone/after-refused',
        args: [machine(21), false],
      }),
    ).resolves.toBeGreaterThan(0);
  });
});
