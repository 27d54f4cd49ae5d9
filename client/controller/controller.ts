import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import type { MappingOptions } from '../../api/capi/to-desired-cluster.ts';
import { TaskQueue } from '../../api/task-queues.ts';
import { ClusterRecords } from './cluster-records.ts';
import { createClusterWorkflows, type ClusterWorkflows } from './cluster-workflows.ts';
import { createEventRecorder } from './events/event-recorder.ts';
import { progressEvents } from './events/progress-events.ts';
import { clusterFinalizer } from './finalizers.ts';
import { createInformers } from './informers.ts';
import { createKubeWrites } from './kube-writes.ts';
import type { WatchedKindName } from './kinds.ts';
import { LeaderElector } from './leader-election.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { clusterKeysOf } from './object-keys.ts';
import { createPoolChanges } from './pool-changes.ts';
import { defaultPollIntervals, type PollIntervals } from './poll-schedule.ts';
import { ProgressPoller } from './progress-poller.ts';
import type { RawObject } from './raw-object.ts';
import { reconcileCluster } from './reconcile.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';
import { WorkQueue } from './work-queue.ts';
import { clusterKey, parseClusterKey } from '../../api/cluster-ref.ts';
import { watchBlockedRuns } from '../../runtime/metrics/blocked-runs.ts';
import { measureReconcile, watchQueueDepth } from '../../runtime/metrics/controller-metrics.ts';

/** The field manager of every status and object the controller writes. */
export const controllerFieldManager = 'capstan-controller';

export interface ControllerOptions {
  readonly kubeConfig: KubeConfig;
  /** A Temporal client on the namespace the cluster workflows run in; the caller owns its connection. */
  readonly temporal: Client;
  /** Task queue cluster workflows are started on. */
  readonly taskQueue?: string;
  /** Watch one namespace only (all when absent). */
  readonly namespace?: string | undefined;
  /** Namespace and name of the leader-election Lease. */
  readonly leaseNamespace?: string;
  readonly leaseName?: string;
  /** This replica's name in the Lease: unique per replica. */
  readonly identity?: string;
  readonly leaderElection?: { readonly leaseDurationSeconds?: number; readonly renewDeadlineMs?: number; readonly retryPeriodMs?: number };
  readonly pollIntervals?: Partial<PollIntervals>;
  /**
   * A new cluster's workflow starts only once its objects were quiet this long, so one `kubectl
   * apply -f` of a whole cluster starts it with every MachineDeployment, not without some.
   */
  readonly startSettleMs?: number;
  /** Every cluster is reconciled at least this often, news or not. */
  readonly resyncMs?: number;
  /** Clusters reconciled at once. */
  readonly concurrency?: number;
  readonly mapping?: MappingOptions;
  readonly logger?: Logger;
}

/** A running controller. */
export interface Controller {
  /** Lists and watches, then competes for leadership; resolves once the caches are filled. */
  start(): Promise<void>;
  /** Stops acting, releases the Lease, stops watching. */
  stop(): Promise<void>;
  /** Stops without releasing the Lease, as a crash would; for tests. */
  abandon(): Promise<void>;
  /** Whether this replica leads now. */
  readonly leading: boolean;
  readonly identity: string;
}

/**
 * The Capstan controller: informers over the kinds users write (kinds.ts) feed a
 * per-cluster work queue; the Lease holder reconciles (finalizer, pause, validate and map,
 * signalWithStart the cluster workflow, delete), polls each cluster workflow's progress, and
 * writes the status of Clusters, TalosControlPlanes and MachineDeployments and Events back. It
 * makes no infrastructure call and writes no inventory: Machines, MachineSets, ProxmoxMachines and
 * MachineHealthCheck status are the cluster workflow's; it only deletes what the workflow left
 * of them once it has deleted its cluster, with the objects users applied for that cluster.
 */
export function createController(options: ControllerOptions): Controller {
  const logger = options.logger ?? consoleLogger;
  const identity = options.identity ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const intervals: PollIntervals = { ...defaultPollIntervals, ...options.pollIntervals };
  const resyncMs = options.resyncMs ?? 60_000;
  const records = new ClusterRecords();
  const workflows: ClusterWorkflows = createClusterWorkflows({
    client: options.temporal,
    taskQueue: options.taskQueue ?? TaskQueue.lifecycle,
  });
  const kube = createKubeWrites(options.kubeConfig, controllerFieldManager);
  const events = createEventRecorder(options.kubeConfig, { component: 'capstan-controller', instance: identity, logger });
  let leading = false;
  let term = 0;
  let resyncTimer: NodeJS.Timeout | undefined;
  // The clusters each object mapped to last time: a changed reference must wake the old cluster too.
  const objectKeys = new Map<string, readonly string[]>();
  // When an object of a cluster last arrived or left: a new cluster's first start waits for a quiet moment.
  const lastChange = new Map<string, number>();

  const informers = createInformers({
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    logger,
    onChange: (kind, object, change) => {
      onObjectChange(kind, object, change);
    },
  });
  const lookup = (kind: WatchedKindName, namespace: string): readonly RawObject[] => informers.list(kind, namespace);

  const queue: WorkQueue = new WorkQueue((key) => measureReconcile(() => reconcileCluster(key, deps)), {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    onError: (key, error, retryInMs) => {
      logger.warn(`reconcile ${key} failed (retry in ${retryInMs} ms): ${describe(error)}`);
    },
  });

  const poller = new ProgressPoller({
    workflows,
    records,
    intervals,
    logger,
    onProgress: (key, previous, next) => {
      const { namespace, name } = parseClusterKey(key);
      const cluster = informers.get('Cluster', namespace, name);
      if (cluster) for (const event of progressEvents(previous, next, { namespace, name })) void events.record(cluster, event);
      queue.add(key);
    },
    onWorkflowChange: (key) => {
      queue.add(key);
    },
  });

  const watchCompletion = (key: string): void => {
    const record = records.of(key);
    if (record.completion) return;
    const abort = new AbortController();
    record.completion = abort;
    const { namespace, name } = parseClusterKey(key);
    workflows.completion(namespace, name, abort.signal).then(
      (state) => {
        if (abort.signal.aborted || !records.has(key)) return;
        record.completion = undefined;
        record.workflow = state;
        queue.add(key);
      },
      (error: unknown) => {
        if (abort.signal.aborted || !records.has(key)) return;
        record.completion = undefined;
        logger.warn(`waiting for the end of ${key}'s workflow: ${describe(error)}`);
        queue.addAfter(key, 5_000);
      },
    );
  };

  const deps: ReconcileDeps = {
    informers,
    kube,
    workflows,
    events,
    records,
    mapping: options.mapping ?? {},
    finalizer: clusterFinalizer,
    afterSignalMs: intervals.afterSignalMs,
    startSettleMs: options.startSettleMs ?? 500,
    sinceLastChangeMs: (key) => Date.now() - (lastChange.get(key) ?? 0),
    isLeader: () => leading,
    watchCompletion,
    pollSoon: (key) => {
      poller.pollSoon(key);
    },
    now: () => new Date(),
    logger,
  };

  const poolChanged = createPoolChanges();

  function onObjectChange(kind: WatchedKindName, object: RawObject, change: 'added' | 'updated' | 'deleted'): void {
    const deleted = change === 'deleted';
    if (kind === 'ProxmoxCluster' && poolChanged(object, deleted) && leading) {
      // Pools must not overlap across namespaces: the other namespaces' clusters are judged again.
      for (const cluster of informers.list('Cluster')) {
        const { namespace, name } = cluster.metadata ?? {};
        if (namespace && name && namespace !== object.metadata?.namespace) queue.add(clusterKey({ namespace, name }));
      }
    }
    const id = `${kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const keys = clusterKeysOf(kind, object, lookup);
    const before = objectKeys.get(id) ?? [];
    if (keys.length > 0 && !deleted) objectKeys.set(id, keys);
    else objectKeys.delete(id);
    const now = Date.now();
    for (const key of new Set([...before, ...keys])) {
      // Objects arriving or leaving, not updates (the controller's own status writes are updates).
      if (kind === 'Cluster' && deleted) lastChange.delete(key);
      else if (change !== 'updated') lastChange.set(key, now);
      if (leading) queue.add(key);
    }
  }

  const enqueueAll = (): void => {
    for (const cluster of informers.list('Cluster')) {
      const { namespace, name } = cluster.metadata ?? {};
      if (namespace && name) queue.add(clusterKey({ namespace: namespace, name: name }));
    }
    // And the clusters objects name that do not exist: their orphans were listed before this replica led.
    for (const keys of objectKeys.values()) for (const key of keys) queue.add(key);
  };

  const startLeading = async (myTerm: number): Promise<void> => {
    // Never act on half-filled caches: a missing object would read as a broken spec.
    while (!informers.synced()) {
      if (myTerm !== term) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (myTerm !== term) return;
    queue.start();
    poller.start();
    enqueueAll();
    resyncTimer = setInterval(enqueueAll, resyncMs);
  };

  const stopLeading = async (): Promise<void> => {
    clearInterval(resyncTimer);
    await Promise.all([queue.stop(), poller.stop()]);
    records.clear();
  };

  // Metrics every replica reports, leading or not: a standby's queue is empty, blocked runs are the namespace's.
  const unwatchQueue = watchQueueDepth(() => queue.depth);
  const unwatchBlocked = watchBlockedRuns((query) =>
    options.temporal.withDeadline(Date.now() + 5_000, () => options.temporal.workflow.count(query)),
  );
  const unwatch = (): void => {
    unwatchQueue();
    unwatchBlocked();
  };

  let stopping: Promise<void> = Promise.resolve();
  const elector = new LeaderElector({
    kubeConfig: options.kubeConfig,
    namespace: options.leaseNamespace ?? 'default',
    name: options.leaseName ?? 'capstan-controller',
    identity,
    ...options.leaderElection,
    logger,
    onStartedLeading: () => {
      leading = true;
      const myTerm = ++term;
      void stopping.then(() => startLeading(myTerm));
    },
    onStoppedLeading: () => {
      leading = false;
      term++;
      stopping = stopLeading();
    },
  });

  return {
    identity,
    get leading() {
      return leading;
    },
    async start() {
      await informers.start();
      elector.start();
    },
    async stop() {
      await elector.stop();
      await stopping;
      await informers.stop();
      unwatch();
    },
    async abandon() {
      await elector.abandon();
      await stopping;
      await informers.stop();
      unwatch();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
