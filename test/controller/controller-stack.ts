// What a controller test runs against: a real kube-apiserver with Capstan's CRDs, a Temporal dev
// server, and a worker that runs the fake cluster workflow (test/fixtures/fake-cluster-workflow.ts)
// on a task queue of its own; plus helpers to apply manifests and read what the controller wrote.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Condition } from '../../api/capi/conditions.ts';
import { capstanCrds } from '../../api/crds.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { createController, type Controller, type ControllerOptions } from '../../client/controller/controller.ts';
import { Watched, type WatchedKindName } from '../../client/controller/kinds.ts';
import { consoleLogger, silentLogger } from '../../client/controller/logger.ts';
import { applyCrds } from '../../client/kubernetes/apply-crds.ts';
import { fakeReceivedQuery, type FakeReceived } from '../fixtures/fake-cluster-workflow.ts';
import { startManagementCluster, type ManagementCluster } from '../harness/management-cluster.ts';
import { makeTempDir } from '../harness/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../harness/temporal-dev-server.ts';
import type { Manifest } from '../api/capi/manifests.ts';

/** A stored object, as JSON. */
export type Stored = Record<string, unknown> & { metadata: { name: string; uid: string; generation?: number; finalizers?: string[]; deletionTimestamp?: string; labels?: Record<string, string>; ownerReferences?: { uid: string }[] }; status?: Record<string, unknown> & { conditions?: Condition[] } };

export interface ControllerStack {
  readonly management: ManagementCluster;
  readonly temporal: TemporalDevServer;
  readonly client: Client;
  readonly taskQueue: string;
  /** Starts a controller replica wired to the stack (fast polls and a short Lease); stopped with the stack. */
  startController(overrides?: Partial<ControllerOptions>): Promise<Controller>;
  /** Server-side applies manifests into a namespace (created if needed), as `kubectl apply --server-side` would. */
  apply(namespace: string, documents: readonly Manifest[]): Promise<void>;
  get(kind: WatchedKindName, namespace: string, name: string): Promise<Stored | undefined>;
  list(kind: WatchedKindName, namespace: string): Promise<Stored[]>;
  /** Merge-patches an object's spec or metadata. */
  patch(kind: WatchedKindName, namespace: string, name: string, body: object): Promise<void>;
  remove(kind: WatchedKindName, namespace: string, name: string): Promise<void>;
  /** `Type Reason: message` of the Events on an object, oldest first. */
  events(namespace: string, kind: string, name: string): Promise<string[]>;
  /** What the fake cluster workflow received; throws when there is no workflow. */
  received(namespace: string, name: string): Promise<FakeReceived>;
  stop(): Promise<void>;
}

/** Starts the stack; stop it in afterAll. */
export async function startControllerStack(label: string): Promise<ControllerStack> {
  const dir = makeTempDir(label);
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s();
    dir.remove();
  };
  try {
    const [management, temporal] = await Promise.all([startManagementCluster({ dataDir: dir.path, ephemeral: true }), startTemporalDevServer()]);
    stops.push(() => management.stop(), () => temporal.stop());
    await applyCrds(management.kubeConfig, capstanCrds);
    const taskQueue = `controller-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    stops.push(() => nativeConnection.close());
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../fixtures/fake-cluster-workflow.ts', import.meta.url)),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    const client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
    const objects = management.kubeConfig.makeApiClient(CustomObjectsApi);
    const core = management.kubeConfig.makeApiClient(CoreV1Api);
    const resource = (kind: WatchedKindName) => ({ group: Watched[kind].group, version: Watched[kind].version, plural: Watched[kind].plural });
    const namespaces = new Set(['default']);
    const controllers: Controller[] = [];
    stops.push(async () => {
      for (const controller of controllers) await controller.stop();
    });
    const notFound = (error: unknown): boolean => error instanceof ApiException && error.code === 404;
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
      async apply(namespace, documents) {
        if (!namespaces.has(namespace)) {
          await core.createNamespace({ body: { metadata: { name: namespace } } });
          namespaces.add(namespace);
        }
        for (const document of documents) {
          const kind = document.kind as WatchedKindName;
          const body = { ...document, metadata: { ...document.metadata, namespace } };
          await objects.patchNamespacedCustomObject(
            { ...resource(kind), namespace, name: document.metadata.name, body, fieldManager: 'kubectl', force: true },
            setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
          );
        }
      },
      async get(kind, namespace, name) {
        try {
          return (await objects.getNamespacedCustomObject({ ...resource(kind), namespace, name })) as Stored;
        } catch (error) {
          if (notFound(error)) return undefined;
          throw error;
        }
      },
      async list(kind, namespace) {
        return ((await objects.listNamespacedCustomObject({ ...resource(kind), namespace })) as { items: Stored[] }).items;
      },
      async patch(kind, namespace, name, body) {
        await objects.patchNamespacedCustomObject({ ...resource(kind), namespace, name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      },
      async remove(kind, namespace, name) {
        await objects.deleteNamespacedCustomObject({ ...resource(kind), namespace, name });
      },
      async events(namespace, kind, name) {
        const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` });
        return list.items
          .sort((a, b) => (a.firstTimestamp?.getTime() ?? 0) - (b.firstTimestamp?.getTime() ?? 0))
          .map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`);
      },
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

/** A condition of a stored object as `Status Reason`, or `True`. */
export function conditionOf(object: Stored | undefined, type: string): string | undefined {
  const condition = object?.status?.conditions?.find((c) => c.type === type);
  if (!condition) return undefined;
  return condition.status === 'True' && !condition.reason ? 'True' : `${condition.status} ${condition.reason ?? ''}`;
}

/** The message of a stored object's condition. */
export function messageOf(object: Stored | undefined, type: string): string | undefined {
  return object?.status?.conditions?.find((c) => c.type === type)?.message;
}
