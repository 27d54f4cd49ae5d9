// What the controller does: reconciles by result and how long they take, the work queue's depth,
// and how long its signals to cluster workflows take.
import { Counter, Gauge, Histogram } from 'prom-client';
import { capstanRegistry, secondsSince } from './metrics-registry.ts';

const reconciles = new Counter({
  name: 'capstan_controller_reconciles_total',
  help: 'Cluster reconciles by result: success, requeue (succeeded and asked to run again later) or error (retried with backoff).',
  labelNames: ['result'] as const,
  registers: [capstanRegistry],
});

const reconcileSeconds = new Histogram({
  name: 'capstan_controller_reconcile_duration_seconds',
  help: 'How long one reconcile of one cluster took, by result.',
  labelNames: ['result'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [capstanRegistry],
});

const signalSeconds = new Histogram({
  name: 'capstan_controller_signal_duration_seconds',
  help: 'Signals to cluster workflows by signal (desiredCluster is a signalWithStart, deleteCluster a signal) and outcome (ok, error).',
  labelNames: ['signal', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [capstanRegistry],
});

/** The queues of the controllers in this process (tests run several), read at each scrape. */
const queueDepths = new Set<() => number>();

new Gauge({
  name: 'capstan_controller_queue_depth',
  help: 'Clusters waiting in the work queue for a reconcile (neither running nor waiting out a delay).',
  registers: [capstanRegistry],
  collect() {
    let depth = 0;
    for (const read of queueDepths) depth += read();
    this.set(depth);
  },
});

/** Reports a work queue's depth until the returned function is called. */
export function watchQueueDepth(depth: () => number): () => void {
  queueDepths.add(depth);
  return () => {
    queueDepths.delete(depth);
  };
}

/** Times one reconcile and counts it by result. */
export async function measureReconcile<T extends { readonly requeueAfterMs?: number } | undefined>(
  reconcile: () => Promise<T>,
): Promise<T> {
  const startedAt = performance.now();
  let result = 'error';
  try {
    const outcome = await reconcile();
    result = outcome?.requeueAfterMs === undefined ? 'success' : 'requeue';
    return outcome;
  } finally {
    reconciles.inc({ result });
    reconcileSeconds.observe({ result }, secondsSince(startedAt));
  }
}

/** Times one signal (or signalWithStart) to a cluster workflow. */
export async function measureSignal<T>(signal: string, send: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  let outcome = 'error';
  try {
    const sent = await send();
    outcome = 'ok';
    return sent;
  } finally {
    signalSeconds.observe({ signal, outcome }, secondsSince(startedAt));
  }
}
