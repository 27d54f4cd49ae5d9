// The stack a fleet is measured on: the Temporal dev server as `npm start` runs it (a SQLite file),
// the management cluster (etcd + kube-apiserver: the inventory lives there), the Proxmox and Talos
// simulators with zero latency (in this process), and Capstan's worker as a process of its own —
// the production entry point workers/main.ts — so its CPU and memory are its alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import { Client } from '@temporalio/client';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from '../../embedded/servers/managed-process.ts';
import { createSimKubeStarter } from '../../embedded/servers/sim-light-mode.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import { defaultTiming, startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim, type TalosSimTiming } from '../../sim/talos/index.ts';

/** A worker running in a child process. */
export interface ChildWorker {
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** The running stack of one fleet size. */
export interface FleetStack {
  readonly temporal: TemporalDevServer;
  readonly management: ManagementCluster;
  readonly proxmox: ProxmoxSim;
  readonly talos: TalosSim;
  readonly client: Client;
  /** Capstan's worker (task queue `lifecycle`, as in production). */
  readonly worker: ChildWorker;
  /** Starts the baseline's worker on its own task queue, with the same worker settings. */
  startBareWorker(taskQueue: string): Promise<ChildWorker>;
  /** Process ids by role, read afresh (the simulated clusters' kube-apiservers come and go). */
  pids(): Record<FleetRole, number[]>;
  stop(): Promise<void>;
}

/** The processes whose CPU the fleet figures name. */
export type FleetRole = 'worker' | 'dev server' | 'management cluster' | 'sim apiservers' | 'bench + sims';

// Every operation of the simulated infrastructure takes no time; what the simulated kubelets and
// controllers need to stay healthy keeps its real period (a node silent for 0 ms would be NotReady).
const instantProxmox = Object.fromEntries(Object.keys(defaultTiming).map((key) => [key, 0]));
const instantTalos = {
  boot: 0,
  install: 0,
  reboot: 0,
  upgrade: 0,
  servicesReady: 0,
  nodeReady: 0,
  etcdJoin: 0,
  learnerPromotion: 0,
  podStart: 0,
} satisfies Partial<TalosSimTiming>;

const workersMain = fileURLToPath(new URL('../../workers/main.ts', import.meta.url));
const bareWorkerMain = fileURLToPath(new URL('./bare-worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

/**
 * Starts the stack with the fleet's namespace in the management cluster; its temp dir is
 * `capstan-<label>-*`. In light mode (the default here) the simulated clusters share one
 * kube-apiserver, as a fleet must on one machine; otherwise each has its own (~280 MiB).
 */
export async function startFleetStack(label: string, namespace: string, light = true): Promise<FleetStack> {
  const dir = makeTempDir(label);
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const s of [...stops].reverse())
        await s().catch((error: unknown) => {
          console.error(`stopping the fleet stack: ${String(error)}`);
        });
      dir.remove();
    })());
  try {
    const [temporal, management] = await Promise.all([
      startTemporalDevServer({ dbFile: join(dir.path, 'temporal.sqlite'), logFile: join(dir.path, 'temporal.log') }),
      startManagementCluster({ dataDir: join(dir.path, 'management'), ephemeral: true, capstanCrds: true }),
    ]);
    stops.push(
      () => temporal.stop(),
      () => management.stop(),
    );
    // The inventory (Machines, ProxmoxMachines, address claims) is kept in the clusters' namespace.
    await management.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    const proxmox = await startProxmoxSim({ timing: instantProxmox, seed: 11 });
    stops.push(() => proxmox.stop());
    // A fleet benchmark: without light mode the clusters still share one etcd (memory over per-cluster recovery).
    const kube = createSimKubeStarter(light, { dataDir: join(dir.path, 'sim-kube'), sharedEtcd: true });
    stops.push(() => kube.stop());
    const talos = await startTalosSim({
      proxmox,
      startKubeApiserver: kube.start,
      dataDir: join(dir.path, 'talos'),
      timing: instantTalos,
      seed: 13,
      sharedKubernetes: light,
    });
    stops.push(() => talos.stop());

    const caFile = join(dir.path, 'pve-root-ca.pem');
    writeFileSync(caFile, proxmox.caPem);
    const temporalEnv = { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace };
    const startWorker = async (name: string, main: string, env: NodeJS.ProcessEnv, logName: string): Promise<ChildWorker> => {
      const child = startProcess({
        name,
        command: process.execPath,
        args: ['--import', tsxLoader, main],
        env: { ...temporalEnv, ...env },
        logFile: join(dir.path, logName),
      });
      stops.push(() => child.stop());
      // Both print that line once the workflow bundle is built and the worker is about to poll.
      await waitUntilReady(child, 'polling', () => child.logTail().includes('polling'), 300_000);
      return { process: child, stop: () => child.stop() };
    };
    const worker = await startWorker(
      'capstan worker',
      workersMain,
      {
        KUBECONFIG: management.kubeconfigPath,
        PROXMOX_URL: proxmox.url,
        PROXMOX_TOKEN_ID: proxmox.token.id,
        PROXMOX_TOKEN_SECRET: proxmox.token.secret,
        PROXMOX_CA_FILE: caFile,
        CAPSTAN_SNAPSHOT_DIR: join(dir.path, 'etcd-snapshots'),
      },
      'worker.log',
    );
    const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
    return {
      temporal,
      management,
      proxmox,
      talos,
      client,
      worker,
      startBareWorker: (taskQueue) => startWorker('bare worker', bareWorkerMain, { FLEET_BARE_TASK_QUEUE: taskQueue }, 'bare-worker.log'),
      pids: () => ({
        worker: [worker.process.pid],
        'dev server': [temporal.process.pid],
        'management cluster': [management.apiserver.process.pid, management.etcd.process.pid],
        'sim apiservers': kube.processIds(),
        'bench + sims': [process.pid],
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
