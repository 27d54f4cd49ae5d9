import { beforeEach, describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../client/controller/work-queue.ts';
import { blockedRunsQuery, watchBlockedRuns } from '../../../runtime/metrics/blocked-runs.ts';
import { measureReconcile, measureSignal, watchQueueDepth } from '../../../runtime/metrics/controller-metrics.ts';
import { measureDrain } from '../../../runtime/metrics/drain-metrics.ts';
import { capstanRegistry } from '../../../runtime/metrics/metrics-registry.ts';
import { parsePrometheusText, type Scrape } from '../../harness/prometheus-text.ts';

const scrape = async (): Promise<Scrape> => parsePrometheusText(await capstanRegistry.metrics());
const value = (from: Scrape, name: string, labels: Record<string, string> = {}): number | undefined => from.find(name, labels)[0]?.value;

beforeEach(() => {
  capstanRegistry.resetMetrics();
});

describe('controller metrics', () => {
  it('count reconciles by result (success, requeue, error) and time each, passing results and errors on', async () => {
    await expect(measureReconcile(() => Promise.resolve(undefined))).resolves.toBeUndefined();
    await expect(measureReconcile(() => Promise.resolve({ requeueAfterMs: 1_000 }))).resolves.toEqual({ requeueAfterMs: 1_000 });
    await expect(measureReconcile(() => Promise.reject(new Error('conflict')))).rejects.toThrow('conflict');
    const after = await scrape();
    for (const result of ['success', 'requeue', 'error']) {
      expect(value(after, 'capstan_controller_reconciles_total', { result }), result).toBe(1);
      expect(value(after, 'capstan_controller_reconcile_duration_seconds_count', { result }), result).toBe(1);
    }
  });

  it('time signals by signal and outcome', async () => {
    await measureSignal('desiredCluster', () => Promise.resolve());
    await expect(measureSignal('deleteCluster', () => Promise.reject(new Error('unavailable')))).rejects.toThrow('unavailable');
    const after = await scrape();
    expect(value(after, 'capstan_controller_signal_duration_seconds_count', { signal: 'desiredCluster', outcome: 'ok' })).toBe(1);
    expect(value(after, 'capstan_controller_signal_duration_seconds_count', { signal: 'deleteCluster', outcome: 'error' })).toBe(1);
  });

  it('report the queue depth of every watched work queue, and stop reporting one that is unwatched', async () => {
    const queue = new WorkQueue(() => Promise.resolve(undefined)); // not started: keys wait
    const unwatch = watchQueueDepth(() => queue.depth);
    for (const key of ['default/a', 'default/b', 'default/a']) queue.add(key);
    expect(value(await scrape(), 'capstan_controller_queue_depth')).toBe(2);
    unwatch();
    expect(value(await scrape(), 'capstan_controller_queue_depth')).toBe(0);
  });

  it('report blocked runs from the visibility count of running runs in phase Blocked; NaN when visibility fails', async () => {
    const queries: string[] = [];
    let unwatch = watchBlockedRuns((query) => {
      queries.push(query);
      return Promise.resolve({ count: 3 });
    });
    expect(value(await scrape(), 'capstan_runs_blocked')).toBe(3);
    expect(queries).toEqual(['CapstanPhase = "Blocked" AND ExecutionStatus = "Running"']);
    expect(blockedRunsQuery).toBe(queries[0]);
    unwatch();
    unwatch = watchBlockedRuns(() => Promise.reject(new Error('visibility unavailable')));
    expect(value(await scrape(), 'capstan_runs_blocked')).toBeNaN();
    unwatch();
  });
});

describe('drain metrics', () => {
  it('observe each drain by outcome, a failure as failed', async () => {
    await measureDrain(
      () => Promise.resolve('all pods gone'),
      () => 'drained',
    );
    await measureDrain(
      () => Promise.resolve('pods left at the timeout'),
      () => 'proceeded',
    );
    await expect(
      measureDrain(
        () => Promise.reject(new Error('held by a PodDisruptionBudget')),
        () => 'drained',
      ),
    ).rejects.toThrow('PodDisruptionBudget');
    const after = await scrape();
    for (const outcome of ['drained', 'proceeded', 'failed'])
      expect(value(after, 'capstan_drain_duration_seconds_count', { outcome }), outcome).toBe(1);
  });
});
