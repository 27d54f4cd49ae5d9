// Kill the worker process in the middle of a provision and again in the middle of a rolling
// update; each time a new worker finishes the operation with no VM built twice. Runs the
// production entry point (workers/main.ts) and the cluster workflow against the real dev server.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskQueue } from '../../api/task-queues.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { clusterProgressQuery, desiredClusterSignal, type ClusterProgress } from '../../api/cluster-messages.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { type clusterWorkflow } from '../../workflows/cluster-workflow.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { startProcess, type ManagedProcess } from '../../embedded/servers/managed-process.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { createSimKubeApiservers, type SimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { newClusterState } from '../../api/cluster-workflow-state.ts';

const dir = makeTempDir('durability');
let temporal: TemporalDevServer;
let management: ManagementCluster;
let proxmox: ProxmoxSim;
let kube: SimKubeApiservers;
let talos: TalosSim;

beforeAll(async () => {
  temporal = await startTemporalDevServer();
  management = await startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true, capstanCrds: true });
  proxmox = await startProxmoxSim({ scale: 0.01, seed: 9 });
  // As an operator copies /etc/pve/pve-root-ca.pem next to the worker.
  writeFileSync(`${dir.path}/pve-root-ca.pem`, proxmox.caPem);
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
      PROXMOX_CA_FILE: `${dir.path}/pve-root-ca.pem`,
      KUBECONFIG: management.kubeconfigPath,
    },
    stopGraceMs: 5_000,
  });
}

const desired = simDesiredCluster('theta', 124);

/** Kills a worker the hard way: no graceful shutdown, in-flight activities and workflow tasks are lost. */
async function kill(worker: ManagedProcess): Promise<void> {
  process.kill(-worker.pid, 'SIGKILL');
  await worker.exited;
}

async function settled(
  handle: { query: (q: typeof clusterProgressQuery) => Promise<ClusterProgress> },
  operations: number,
): Promise<ClusterProgress> {
  return eventually(
    async () => {
      const now = await handle.query(clusterProgressQuery);
      if (now.phase !== 'Idle' || now.operations < operations) throw new Error(`${now.phase}: ${now.operation?.summary ?? now.held ?? ''}`);
      return now;
    },
    240_000,
    250,
  );
}

describe('a worker killed mid-operation', () => {
  it(
    'is replaced by another worker that finishes the provision, then the rolling update, without building any VM twice',
    { timeout: 600_000 },
    async () => {
      const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
      const workers: ManagedProcess[] = [startWorker('worker 1')];
      const theta = () => proxmox.vms().filter((vm) => vm.name?.startsWith('theta-'));
      try {
        const handle = await client.workflow.signalWithStart<typeof clusterWorkflow, [DesiredClusterInput]>('clusterWorkflow', {
          taskQueue: TaskQueue.lifecycle,
          workflowId: 'cluster/default/theta',
          args: [newClusterState('default', 'theta')],
          signal: desiredClusterSignal,
          signalArgs: [desired],
        });
        // Mid-provision: the first VM exists.
        await expect.poll(() => theta().length > 0, { timeout: 120_000, interval: 100 }).toBe(true);
        await kill(workers.pop()!);
        workers.push(startWorker('worker 2'));
        const provisioned = await settled(handle, 1);
        expect(provisioned.recent[0]).toMatchObject({ kind: 'provision', outcome: 'Succeeded' });
        expect(
          theta()
            .map((vm) => vm.name)
            .sort(),
        ).toEqual(provisioned.machines.map((m) => m.name).sort());

        // Mid-rollout: the replacement's VM exists, the old machine not yet removed.
        const old = provisioned.machines.filter((m) => m.deployment === 'md-0').map((m) => m.name);
        const bigger = {
          ...desired,
          generation: 2,
          machineDeployments: [{ name: 'md-0', replicas: 2, machine: { ...simMachineShape, cores: 4 } }],
        };
        await handle.signal(desiredClusterSignal, bigger);
        await expect
          .poll(() => theta().some((vm) => !provisioned.machines.some((m) => m.name === vm.name)), { timeout: 120_000, interval: 100 })
          .toBe(true);
        await kill(workers.pop()!);
        workers.push(startWorker('worker 3'));
        const rolled = await settled(handle, 2);
        expect(rolled.recent[1]).toMatchObject({ kind: 'rollout-machine-deployment', outcome: 'Succeeded' });
        const now = rolled.machines.filter((m) => m.deployment === 'md-0').map((m) => m.name);
        expect(now.some((n) => old.includes(n))).toBe(false);
        expect(
          theta()
            .map((vm) => vm.name)
            .sort(),
        ).toEqual(rolled.machines.map((m) => m.name).sort());
        expect(invariantViolations(proxmox.events.list(), talos.events.list(), { cluster: 'theta' })).toEqual([]);
      } finally {
        for (const worker of workers) await worker.stop();
      }
    },
  );
});
