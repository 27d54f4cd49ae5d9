// Everything a lifecycle workflow test runs against: a management cluster with Capstan's CRDs,
// the Proxmox and Talos simulators (real kube-apiservers for workload clusters), the
// time-skipping test server (or the dev server, for what the test server does not do) and a worker
// with Capstan's real activities and workflows.
import { fileURLToPath } from 'node:url';
import type { PayloadCodec } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { createLifecycleActivities } from '../../activities/lifecycle-activities.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { createSimKubeStarter, simLightFromEnv } from '../../embedded/servers/sim-light-mode.ts';
import { startTemporalDevServer, type DevServerOptions } from '../../embedded/servers/temporal-dev-server.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { createTimeSkippingEnvironment } from '../harness/time-skipping.ts';
import { TestServerClock } from '../harness/test-server-clock.ts';

/** The running stack of one test file. */
export interface LifecycleStack {
  readonly management: ManagementCluster;
  readonly proxmox: ProxmoxSim;
  readonly talos: TalosSim;
  readonly env: TestWorkflowEnvironment;
  readonly taskQueue: string;
  readonly activities: ReturnType<typeof createLifecycleActivities>;
  /** Where the worker writes etcd snapshots. */
  readonly snapshotDir: string;
  /** The test server's time, when the stack was asked to follow it (certificate dates). */
  readonly clock?: TestServerClock;
  stop(): Promise<void>;
}

/**
 * Which Temporal server: the time-skipping test server by default; the dev server (the real
 * server's code) where the test server falls short — it never tells a parent that its child was
 * terminated or reset (temporalio/sdk-java#2921).
 */
export type LifecycleServer = 'time-skipping' | 'dev-server';

/** Starts the stack; stop it in afterAll. */
export async function startLifecycleStack(
  label: string,
  server: LifecycleServer = 'time-skipping',
  options: {
    readonly externalLoadBalancers?: readonly string[];
    readonly followTestServerTime?: boolean;
    /** Light mode: the workload clusters share one kube-apiserver (default: CAPSTAN_SIM_LIGHT, else one each). */
    readonly simLight?: boolean;
    /** How long a clone slot outlives its holder's last renewal (the product's default: 10 minutes). */
    readonly cloneSlotLeaseMs?: number;
    /** The dev server's Web UI and the codec server it decodes with (dev-server only). */
    readonly devServer?: Pick<DevServerOptions, 'uiPort' | 'uiCodecEndpoint'>;
    /** Encrypts every payload the client and the worker write, as in production. */
    readonly payloadCodec?: PayloadCodec;
    /** false: no worker; the test starts its own on `taskQueue` (with other workflow code). */
    readonly worker?: boolean;
  } = {},
): Promise<LifecycleStack> {
  // Time skipping moves only Temporal's time; certificates are then issued and judged by this clock.
  const clock = options.followTestServerTime ? new TestServerClock() : undefined;
  const dir = makeTempDir(label);
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s();
    dir.remove();
  };
  try {
    const management = await startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true, capstanCrds: true });
    stops.push(() => management.stop());
    const proxmox = await startProxmoxSim({ scale: 0.002, seed: 3 });
    stops.push(() => proxmox.stop());
    const light = options.simLight ?? simLightFromEnv();
    const kube = createSimKubeStarter(light, { dataDir: `${dir.path}/sim-kube` });
    stops.push(() => kube.stop());
    const talos = await startTalosSim({
      proxmox,
      startKubeApiserver: kube.start,
      dataDir: `${dir.path}/talos`,
      scale: 0.01,
      seed: 5,
      sharedKubernetes: light,
      // The load balancers a test declares: the sim plays them, as the user's own would forward.
      ...(options.externalLoadBalancers === undefined ? {} : { externalLoadBalancers: options.externalLoadBalancers }),
      ...(clock ? { clock: clock.now } : {}),
    });
    stops.push(() => talos.stop());
    if (server === 'time-skipping' && (options.devServer ?? options.payloadCodec))
      throw new Error('a Web UI and a payload codec are options of the dev-server stack only');
    const dataConverter = options.payloadCodec ? { payloadCodecs: [options.payloadCodec] } : undefined;
    const env =
      server === 'time-skipping'
        ? await createTimeSkippingEnvironment()
        : await devServerEnvironment(stops, options.devServer ?? {}, dataConverter);
    stops.push(() => env.teardown());
    const snapshotDir = `${dir.path}/etcd-snapshots`;
    const activities = createLifecycleActivities({
      proxmox: { baseUrl: proxmox.url, tokenId: proxmox.token.id, tokenSecret: proxmox.token.secret, caPem: proxmox.caPem },
      managementCluster: management.kubeConfig,
      pollMs: 100,
      snapshotDir,
      ...(options.cloneSlotLeaseMs === undefined ? {} : { cloneSlotLeaseMs: options.cloneSlotLeaseMs }),
      ...(clock ? { clock: clock.date } : {}),
    });
    const taskQueue = `lifecycle-${label}`;
    if (options.worker === false)
      return { management, proxmox, talos, env, taskQueue, activities, snapshotDir, ...(clock ? { clock } : {}), stop };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
      activities,
      ...(dataConverter ? { dataConverter } : {}),
      ...(clock ? { interceptors: { activity: [clock.interceptor] } } : {}),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    return { management, proxmox, talos, env, taskQueue, activities, snapshotDir, ...(clock ? { clock } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function devServerEnvironment(
  stops: Array<() => Promise<void>>,
  options: DevServerOptions,
  dataConverter: { readonly payloadCodecs: PayloadCodec[] } | undefined,
): Promise<TestWorkflowEnvironment> {
  const devServer = await startTemporalDevServer(options);
  stops.push(() => devServer.stop());
  return TestWorkflowEnvironment.createFromExistingServer({
    address: devServer.address,
    namespace: devServer.namespace,
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
}
