// How long node drains take and how they end, measured around the drain itself (cordon, evictions,
// waiting on PodDisruptionBudgets), one observation per activity attempt.
import { Histogram } from 'prom-client';
import { capstanRegistry, secondsSince } from './metrics-registry.ts';

const drainSeconds = new Histogram({
  name: 'capstan_drain_duration_seconds',
  help: 'Node drains by outcome: drained, proceeded (the timeout came and the policy says go on), node_absent, failed.',
  labelNames: ['outcome'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800],
  registers: [capstanRegistry],
});

/** How a drain ended, as the metric labels it. */
export type DrainOutcome = 'drained' | 'proceeded' | 'node_absent' | 'failed';

/** Times one drain; `outcomeOf` reads the outcome from its result. */
export async function measureDrain<T>(drain: () => Promise<T>, outcomeOf: (result: T) => DrainOutcome): Promise<T> {
  const startedAt = performance.now();
  let outcome: DrainOutcome = 'failed';
  try {
    const result = await drain();
    outcome = outcomeOf(result);
    return result;
  } finally {
    drainSeconds.observe({ outcome }, secondsSince(startedAt));
  }
}
