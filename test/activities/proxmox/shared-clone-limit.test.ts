import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineVmSpecInput } from '../../../api/proxmox.ts';
import { createProxmoxActivities } from '../../../activities/proxmox/proxmox-activities.ts';
import { ProxmoxClient } from '../../../activities/proxmox/proxmox-client.ts';
import { oneProxmoxClient } from '../../../activities/proxmox/proxmox-clients.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { peakClonesPerStorage } from '../../harness/clone-concurrency.ts';
import { createTimeSkippingEnvironment } from '../../harness/time-skipping.ts';

let env: TestWorkflowEnvironment;
let sim: ProxmoxSim;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
const taskQueue = 'shared-clone-limit';
/** Which worker ran each machine's clone activity. */
const ranOn = new Map<string, string>();

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
});
