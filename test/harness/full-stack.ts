// Everything Capstan runs on, started for one e2e test file: the Temporal dev server, a management
// cluster (etcd + kube-apiserver) with Capstan's CRDs, the Proxmox and Talos simulators (a real
// kube-apiserver per workload cluster), a worker with the real workflows and activities, and
// controllers the test starts, stops or abandons.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { consoleLogger, createController, silentLogger, type Controller, type ControllerOptions } from '../../client/controller/index.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { createLifecycleActivities } from '../../activities/lifecycle-activities.ts';
import { workflowSources } from '../../workers/lifecycle-worker.ts';
import { capiObjects, type CapiObjects } from '../../embedded/controller-stack/capi-objects.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { createSimKubeStarter, simLightFromEnv } from '../../embedded/servers/sim-light-mode.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';

export interface FullStackOptions {
  /** Proxmox simulator time scale (default 0.005). */
  readonly proxmoxScale?: number;
  /** Talos simulator time scale (default 0.01). */
  readonly talosScale?: number;
  readonly seed?: number;
  /**
   * Also starts a second Proxmox VE (its own token) with its own Talos nodes, which the worker
   * knows nothing of: clusters reach it only through a credentials Secret.
   */
  readonly secondProxmox?: boolean;
  /** Light mode: every simulated cluster shares one kube-apiserver (default: CAPSTAN_SIM_LIGHT, else one each). */
  readonly simLight?: boolean;
}

/** One simulated Proxmox VE and the Talos nodes of its VMs. */
export interface SimulatedSite {
  readonly proxmox: ProxmoxSim;
  readonly talos: TalosSim;
}

/** The running stack. */
export interface FullStack {
  readonly temporal: TemporalDevServer;
  readonly management: ManagementCluster;
  /** The Proxmox VE of the worker's own settings (PROXMOX_* in production). */
  readonly proxmox: ProxmoxSim;
  readonly talos: TalosSim;
  /** With `secondProxmox`. */
  readonly second?: SimulatedSite;
  readonly client: Client;
  /** The worker's task queue (unique per stack); controllers start cluster workflows on it. */
  readonly taskQueue: string;
  /** The management cluster's objects, as a user reaches them. */
  readonly objects: CapiObjects;
  /** Starts a controller replica (fast polls, a 2 s Lease); the stack stops it unless the test did. */
  startController(overrides?: Partial<ControllerOptions>): Promise<Controller>;
  stop(): Promise<void>;
}

/** Starts the stack; its temp dir is `capstan-<label>-*`. Stop it in afterAll. */
export async function startFullStack(label: string, options: FullStackOptions = {}): Promise<FullStack> {
  const dir = makeTempDir(label);
  const stops: Array<() => Promise<void>> = [];
  // Last started, first stopped; one failure does not keep the others running. Once only.
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const s of [...stops].reverse())
        await s().catch((error: unknown) => {
          console.error(`stopping the ${label} stack: ${String(error)}`);
        });
      dir.remove();
    })());
  try {
    const [temporal, management] = await Promise.all([
      startTemporalDevServer(),
      startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true, capstanCrds: true }),
    ]);
    stops.push(
      () => temporal.stop(),
      () => management.stop(),
    );
    const seed = options.seed ?? 7;
    const proxmox = await startProxmoxSim({ scale: options.proxmoxScale ?? 0.005, seed });
    stops.push(() => proxmox.stop());
    const light = options.simLight ?? simLightFromEnv();
    const kube = createSimKubeStarter(light, { dataDir: `${dir.path}/sim-kube` });
    stops.push(() => kube.stop());
    const startSite = async (proxmox: ProxmoxSim, name: string): Promise<SimulatedSite> => {
      const talos = await startTalosSim({
        proxmox,
        startKubeApiserver: kube.start,
        dataDir: `${dir.path}/${name}`,
        scale: options.talosScale ?? 0.01,
        seed,
        sharedKubernetes: light,
      });
      stops.push(() => talos.stop());
      return { proxmox, talos };
    };
    const { talos } = await startSite(proxmox, 'talos');
    let second: SimulatedSite | undefined;
    if (options.secondProxmox) {
      const other = await startProxmoxSim({ scale: options.proxmoxScale ?? 0.005, seed: seed + 1 });
      stops.push(() => other.stop());
      second = await startSite(other, 'talos-2');
    }

    const taskQueue = `${label}-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const worker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      ...workflowSources,
      activities: createLifecycleActivities({
        proxmox: { baseUrl: proxmox.url, tokenId: proxmox.token.id, tokenSecret: proxmox.token.secret, caPem: proxmox.caPem },
        managementCluster: management.kubeConfig,
        pollMs: 100,
        snapshotDir: `${dir.path}/etcd-snapshots`,
      }),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });

    const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
    const controllers = new Set<Controller>();
    stops.push(async () => {
      for (const controller of controllers) await controller.stop();
    });
    return {
      temporal,
      management,
      proxmox,
      talos,
      ...(second ? { second } : {}),
      client,
      taskQueue,
      objects: capiObjects(management.kubeConfig),
      async startController(overrides = {}) {
        const controller = createController({
          kubeConfig: management.kubeConfig,
          temporal: client,
          taskQueue,
          leaseNamespace: 'default',
          leaderElection: { leaseDurationSeconds: 2, renewDeadlineMs: 1_500, retryPeriodMs: 200 },
          pollIntervals: { activeMs: 200, idleMs: 1_000, afterSignalMs: 3_000 },
          logger: process.env['CAPSTAN_TEST_LOG'] ? consoleLogger : silentLogger,
          ...overrides,
        });
        // The stack's teardown stops what the test left running; one the test stopped or abandoned is done.
        const tracked: Controller = {
          get leading() {
            return controller.leading;
          },
          identity: controller.identity,
          start: () => controller.start(),
          stop: () => {
            controllers.delete(tracked);
            return controller.stop();
          },
          abandon: () => {
            controllers.delete(tracked);
            return controller.abandon();
          },
        };
        controllers.add(tracked);
        await controller.start();
        return tracked;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
