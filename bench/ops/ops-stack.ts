// The stack the operation sections (provision, rolling update, upgrade) measure on: the Temporal
// dev server, a management cluster with Capstan's CRDs, the Proxmox and Talos simulators at one
// time scale (a real kube-apiserver per workload cluster), and a worker with Capstan's real
// workflows and activities. No controller: the sections start the cluster workflow through the
// Temporal client, as the controller would, so its latency (its own section) stays out of the
// operations' wall times. Composed like test/harness/full-stack.ts, which bench/ may not import.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createLifecycleActivities } from '../../activities/lifecycle-activities.ts';
import { startManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { createSimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { workflowSources } from '../../workers/lifecycle-worker.ts';

/** How the stack runs. */
export interface OpsStackOptions {
  /** Both simulators' durations × this. */
  readonly scale: number;
  /** How often the worker's waiting activities look again (node Ready, drain). */
  readonly pollMs: number;
}

/** The running stack. */
export interface OpsStack {
  readonly scale: number;
  readonly proxmox: ProxmoxSim;
  readonly talos: TalosSim;
  readonly client: Client;
  readonly taskQueue: string;
  stop(): Promise<void>;
}

/** Starts the stack; stopping it stops everything it started, last first. */
export async function startOpsStack(options: OpsStackOptions): Promise<OpsStack> {
  const dir = makeTempDir('bench-ops');
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const s of [...stops].reverse())
        await s().catch((error: unknown) => {
          console.error(`stopping the bench stack: ${String(error)}`);
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
    const proxmox = await startProxmoxSim({ scale: options.scale, seed: 11 });
    stops.push(() => proxmox.stop());
    // A fleet benchmark: the clusters share one etcd (no per-cluster etcd recovery needed).
    const kube = createSimKubeApiservers({ dataDir: `${dir.path}/sim-kube`, sharedEtcd: true });
    stops.push(() => kube.stop());
    const talos = await startTalosSim({
      proxmox,
      startKubeApiserver: kube.start,
      dataDir: `${dir.path}/talos`,
      scale: options.scale,
      seed: 13,
    });
    stops.push(() => talos.stop());

    const taskQueue = `bench-ops-${randomUUID()}`;
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
        pollMs: options.pollMs,
        snapshotDir: `${dir.path}/etcd-snapshots`,
      }),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
    return { scale: options.scale, proxmox, talos, client, taskQueue, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
