import { fileURLToPath } from 'node:url';
import type { PayloadCodec } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { TaskQueue } from '../api/task-queues.ts';
import type { LifecycleActivities } from '../activities/lifecycle-activities.ts';
import { activityMetrics } from '../runtime/metrics/activity-metrics.ts';

/** How the worker gets its workflow code: a pre-built bundle in production, the sources in dev. */
export type WorkflowSource = Pick<WorkerOptions, 'workflowBundle'> | Pick<WorkerOptions, 'workflowsPath'>;

/** Bundles the workflow sources at start-up: right for development and tests. */
export const workflowSources: WorkflowSource = {
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
};

/** How long the worker drains on SIGTERM before it cancels running activities, and before it gives up. */
export type ShutdownTimes = Pick<WorkerOptions, 'shutdownGraceTime' | 'shutdownForceTime'>;

/**
 * In a pod: on SIGTERM (a rollout restart, a drained node) running activities get 45 s to finish
 * before they are cancelled (the SDK's default is none), so a clone step that ends in time gives
 * its clone slot back instead of leaving it to a retry or the lease. At 55 s the worker gives up
 * and the process exits, before the pod's terminationGracePeriodSeconds (60 in
 * deploy/base/worker.yaml) ends in a SIGKILL.
 */
export const podShutdownTimes: ShutdownTimes = { shutdownGraceTime: '45 seconds', shutdownForceTime: '55 seconds' };

/**
 * Creates the worker that runs Capstan's lifecycle workflows and activities, every activity timed
 * (runtime/metrics/activity-metrics.ts). `payloadCodecs` (runtime/codec) encrypt what the worker
 * writes to history and decrypt what it reads; they run here, outside the workflow sandbox.
 */
export function createLifecycleWorker(
  connection: NativeConnection,
  namespace: string,
  activities: LifecycleActivities,
  options: {
    readonly source?: WorkflowSource;
    readonly shutdown?: ShutdownTimes;
    readonly payloadCodecs?: readonly PayloadCodec[];
  } = {},
): Promise<Worker> {
  const { source = workflowSources, shutdown = {}, payloadCodecs = [] } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue: TaskQueue.lifecycle,
    ...source,
    activities,
    interceptors: { activity: [activityMetrics] },
    ...shutdown,
    dataConverter: { payloadCodecs: [...payloadCodecs] },
  });
}
