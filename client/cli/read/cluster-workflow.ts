import { WorkflowNotFoundError, type QueryDefinition, type WorkflowHandle } from '@temporalio/client';
import { clusterProgressQuery, type ClusterProgress } from '../../../api/cluster-messages.ts';
import { clusterWorkflowId } from '../../../api/ids.ts';
import { CliError, oneLine } from '../cli-error.ts';
import { explainTemporalError } from '../connect/temporal.ts';
import type { TemporalAccess } from '../context.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

/** How long a describe or query may take: a running workflow with no worker never answers. */
export const answerTimeoutMs = 10_000;

/** The cluster workflow as the CLI finds it. */
export type WorkflowView =
  | { readonly state: 'absent'; readonly workflowId: string }
  | { readonly state: 'running'; readonly workflowId: string; readonly taskQueue: string; readonly progress: ClusterProgress }
  | { readonly state: 'closed'; readonly workflowId: string; readonly status: string; readonly closeTime?: string | undefined };

/** The workflow's running handle and task queue, or its end; `absent` when it never ran. */
export type WorkflowLookup =
  | { readonly state: 'absent'; readonly workflowId: string }
  | { readonly state: 'running'; readonly workflowId: string; readonly taskQueue: string; readonly handle: WorkflowHandle }
  | { readonly state: 'closed'; readonly workflowId: string; readonly status: string; readonly closeTime?: string | undefined };

/** Looks the cluster workflow up (latest run). */
export async function lookupClusterWorkflow(temporal: TemporalAccess, ref: ClusterRef): Promise<WorkflowLookup> {
  const workflowId = clusterWorkflowId(ref.namespace, ref.name);
  const handle = temporal.client.workflow.getHandle(workflowId);
  try {
    const description = await temporal.client.withDeadline(Date.now() + answerTimeoutMs, () => handle.describe());
    if (description.status.name !== 'RUNNING') {
      return { state: 'closed', workflowId, status: description.status.name, closeTime: description.closeTime?.toISOString() };
    }
    return { state: 'running', workflowId, taskQueue: description.taskQueue, handle };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { state: 'absent', workflowId };
    throw explainTemporalError(error, temporal, `looking up workflow ${workflowId}`);
  }
}

/** Asks a running workflow a query, with a deadline and an error that says what to check. */
export async function ask<R, A extends unknown[]>(
  temporal: TemporalAccess,
  running: Extract<WorkflowLookup, { state: 'running' }>,
  query: QueryDefinition<R, A>,
  ...args: A
): Promise<R> {
  try {
    return await temporal.client.withDeadline(Date.now() + answerTimeoutMs, () => running.handle.query(query, ...args));
  } catch (error) {
    const explained = explainTemporalError(error, temporal, `asking ${running.workflowId} for ${query.name}`);
    if (explained instanceof CliError) {
      throw new CliError(
        `the cluster workflow ${running.workflowId} did not answer the ${query.name} query`,
        `is a Capstan worker polling task queue ${running.taskQueue}? (${explained.message})`,
        { cause: error },
      );
    }
    throw new CliError(
      `the cluster workflow ${running.workflowId} could not answer the ${query.name} query: ${oneLine(error)}`,
      'the worker may run an older Capstan than this CLI',
      { cause: error },
    );
  }
}

/** The cluster workflow with its progress when it runs. */
export async function readClusterWorkflow(temporal: TemporalAccess, ref: ClusterRef): Promise<WorkflowView> {
  const found = await lookupClusterWorkflow(temporal, ref);
  if (found.state !== 'running') return found;
  const progress = await ask(temporal, found, clusterProgressQuery);
  return { state: 'running', workflowId: found.workflowId, taskQueue: found.taskQueue, progress };
}
