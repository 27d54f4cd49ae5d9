import { fileURLToPath } from 'node:url';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { TaskQueue } from '../api/task-queues.ts';
import type { LifecycleActivities } from '../activities/lifecycle-activities.ts';

/** How the worker gets its workflow code: a pre-built bundle in production, the sources in dev. */
export type WorkflowSource = Pick<WorkerOptions, 'workflowBundle'> | Pick<WorkerOptions, 'workflowsPath'>;

/** Bundles the workflow sources at start-up: right for development and tests. */
export const workflowSources: WorkflowSource = {
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
};

/** Creates the worker that runs Capstan's lifecycle workflows and activities. */
export function createLifecycleWorker(
  connection: NativeConnection,
  namespace: string,
  activities: LifecycleActivities,
  source: WorkflowSource = workflowSources,
): Promise<Worker> {
  return Worker.create({ connection, namespace, taskQueue: TaskQueue.lifecycle, ...source, activities });
}
