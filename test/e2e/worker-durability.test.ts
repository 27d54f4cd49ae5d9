// Kill the worker process in the middle of a provision; a new worker finishes it with no VM
// built twice. Runs the production entry point (workers/main.ts) against the real dev server.
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskQueue } from '../../api/task-queues.ts';
import { ipamCrds } from '../../api/ipam.ts';
import { applyCrds } from '../../client/kubernetes/apply-crds.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import type { provisionWorkflow } from '../../workflows/index.ts';
import { simDesiredCluster } from '../fixtures/desired-cluster.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { startProcess, type ManagedProcess } from '../harness/managed-process.ts';
import { startManagementCluster, type ManagementCluster } from '../harness/management-cluster.ts';
import { createSimKubeApiservers, type SimKubeApiservers } from '../harness/sim-kube-apiservers.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../harness/temporal-dev-server.ts';
import { makeTempDir } from '../harness/temp-dir.ts';

const dir = makeTempDir('durability');
let temporal: TemporalDevServer;
let management: ManagementCluster;
let proxmox: ProxmoxSim;
let kube: SimKubeApiservers;
let talos: TalosSim;

beforeAll(async () => {
  temporal = await startTemporalDevServer();
  management = await startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true });
  await applyCrds(management.kubeConfig, ipamCrds);
  proxmox = await startProxmoxSim({ scale: 0.01, seed: 9 });
  kube = createSimKubeApiservers({ dataDir: `${dir.path}/sim-kube` });
  talos = await startTalosSim({ proxmox, startKubeApiserver: kube.start, dataDir: `${dir.path}/talos`, scale: 0.02, seed: 9 });
}, 300_000);
afterAll(async () => {
  await talos.stop();
  await kube.stop();
  await proxmox.stop();
  await management.stop();
  await temporal.stop();
  dir.remove();
});

/** The production worker entry point, as an operator runs it. */
function startWorker(name: string): ManagedProcess {
  return startProcess({
    name,
    command: fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)),
    args: [fileURLToPath(new URL('../../workers/main.ts', import.meta.url))],
    env: {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      PROXMOX_URL: proxmox.url,
      PROXMOX_TOKEN_ID: proxmox.token.id,
      PROXMOX_TOKEN_SECRET: proxmox.token.secret,
      KUBECONFIG: management.kubeconfigPath,
    },
    stopGraceMs: 5_000,
  });
}

const desired = simDesiredCluster('theta', 86);

describe('a worker killed mid-provision', () => {
  it('is replaced by another worker that finishes the provision without building any VM twice', { timeout: 300_000 }, async () => {
    const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
    let first: ManagedProcess | undefined = startWorker('worker 1');
    let second: ManagedProcess | undefined;
    try {
      const handle = await client.workflow.start<typeof provisionWorkflow>('provisionWorkflow', {
        taskQueue: TaskQueue.lifecycle,
        workflowId: 'cluster/default/theta/provision/1',
        args: [desired],
      });
      // Kill it (no graceful shutdown) once the first VM exists: the provision is mid-flight.
      await expect.poll(() => proxmox.vms().some((vm) => vm.name?.startsWith('theta-')), { timeout: 120_000, interval: 100 }).toBe(true);
      process.kill(-first.pid, 'SIGKILL');
      await first.exited;
      first = undefined;
      second = startWorker('worker 2');
      const result = await handle.result();
      expect(result.machines).toHaveLength(3);
      const theta = proxmox.vms().filter((vm) => vm.name?.startsWith('theta-'));
      expect(theta.map((vm) => vm.name).sort()).toEqual(result.machines.map((m) => m.machine).sort());
      expect(invariantViolations(proxmox.events.list(), talos.events.list(), { cluster: 'theta' })).toEqual([]);
    } finally {
      await first?.stop();
      await second?.stop();
    }
  });
});
