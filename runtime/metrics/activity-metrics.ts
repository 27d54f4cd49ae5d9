// Every activity the worker runs, timed by type and outcome, and the ones running now with the age
// of the oldest: a drain (or any long wait) that never ends shows there before anything fails.
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Gauge, Histogram } from 'prom-client';
import { capstanRegistry, secondsSince } from './metrics-registry.ts';

const activitySeconds = new Histogram({
  name: 'capstan_activity_duration_seconds',
  help: 'Activity attempts run by this worker, by activity type and outcome (succeeded, failed, cancelled).',
  labelNames: ['activity', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800],
  registers: [capstanRegistry],
});

/** Start times of the attempts running now, by activity type. */
const running = new Map<string, Set<number>>();

new Gauge({
  name: 'capstan_activities_running',
  help: 'Activity attempts running in this worker now, by activity type.',
  labelNames: ['activity'] as const,
  registers: [capstanRegistry],
  collect() {
    this.reset();
    for (const [activity, starts] of running) this.set({ activity }, starts.size);
  },
});

new Gauge({
  name: 'capstan_activity_oldest_running_seconds',
  help: 'Age of the oldest activity attempt running in this worker now, by activity type (absent when none runs).',
  labelNames: ['activity'] as const,
  registers: [capstanRegistry],
  collect() {
    this.reset();
    for (const [activity, starts] of running) this.set({ activity }, secondsSince(Math.min(...starts)));
  },
});

/** The activity interceptor that feeds the activity metrics: add it to the worker's `interceptors.activity`. */
export const activityMetrics: ActivityInterceptorsFactory = (context: Context) => ({
  inbound: {
    async execute(input, next) {
      const activity = context.info.activityType;
      const startedAt = performance.now();
      const starts = running.get(activity) ?? new Set<number>();
      running.set(activity, starts);
      // Two attempts can start in the same instant: keep each start distinct.
      let start = startedAt;
      while (starts.has(start)) start += 1e-6;
      starts.add(start);
      let outcome = 'failed';
      try {
        const result = await next(input);
        outcome = 'succeeded';
        return result;
      } catch (error) {
        // Cancelled: by the workflow, a heartbeat timeout or the worker's shutdown.
        if (context.cancellationSignal.aborted) outcome = 'cancelled';
        throw error;
      } finally {
        starts.delete(start);
        if (starts.size === 0) running.delete(activity);
        activitySeconds.observe({ activity, outcome }, secondsSince(startedAt));
      }
    },
  },
});
