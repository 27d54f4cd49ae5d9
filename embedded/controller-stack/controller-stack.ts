// What the controller tests and the latency benchmark run against: a real kube-apiserver with
// Capstan's CRDs, a Temporal dev server, and a worker that runs the fake cluster workflow
// (./fake-cluster-workflow.ts) on a task queue of its own; plus helpers to apply manifests and
// read what the controller wrote.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { clusterWorkflowId } from '../../api/ids.ts';
import { createController, type Controller, type ControllerOptions } from '../../client/controller/controller.ts';
import { consoleLogger, silentLogger } from '../../client/controller/logger.ts';
import { startManagementCluster, type ManagementCluster } from '../servers/management-cluster.ts';
import { makeTempDir } from '../servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../servers/temporal-dev-server.ts';
import { capiObjects, type CapiObjects } from './capi-objects.ts';
import { fakeReceivedQuery, type FakeReceived } from './fake-cluster-workflow.ts';

export interface ControllerStack extends CapiObjects {
  readonly management: ManagementCluster;
  readonly temporal: TemporalDevServer;
  readonly client: Client;
  readonly taskQueue: string;
  /** Starts a controller replica wired to the stack (fast polls and a short Lease); stopped with the stack. */
  startController(overrides?: Partial<ControllerOptions>): Promise<Controller>;
  /** What the fake cluster workflow received; throws when there is no workflow. */
  received(namespace: string, name: string): Promise<FakeReceived>;
  stop(): Promise<void>;
}

/** Starts the stack; stop it in afterAll. */
export async function startControllerStack(label: string): Promise<ControllerStack> {
  const dir = makeTempDir(label);
  const stops: Array<() => Promise<void>> = [];
  // Every step runs even when one fails (Ctrl-C lets the SDK stop the worker first), in reverse order, once.
  const stop = async (): Promise<void> => {
    const steps = stops.splice(0).reverse();
    for (const step of steps)
      await step().catch((error: unknown) => {
        console.error(`while stopping the controller stack: ${String(error)}`);
      });
    dir.remove();
  };
  try {
    const [management, temporal] = await Promise.all([
      startManagementCluster({ dataDir: dir.path, ephemeral: true, capstanCrds: true }),
      startTemporalDevServer(),
    ]);
    stops.push(
      () => management.stop(),
      () => temporal.stop(),
    );
    const taskQueue = `controller-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    stops.push(() => nativeConnection.close());
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fake-cluster-workflow.ts', import.meta.url)),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
    const controllers: Controller[] = [];
    stops.push(async () => {
      for (const controller of controllers) await controller.stop();
    });
    return {
      management,
      temporal,
      client,
      taskQueue,
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
        controllers.push(controller);
        await controller.start();
        return controller;
      },
      ...capiObjects(management.kubeConfig),
      async received(namespace, name) {
        return client.workflow.getHandle(clusterWorkflowId(namespace, name)).query(fakeReceivedQuery);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
