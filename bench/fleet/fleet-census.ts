// What the Temporal server holds after a run: the executions of a kind and their history events.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';

/** Runs `work` over the items, at most `limit` at a time. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Every execution the query lists. */
export async function listExecutions(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const info of client.workflow.list({ query, pageSize: 1_000 })) found.push(info);
  return found;
}

/**
 * History events of the listed executions now. Visibility records a closed run's final length; a
 * running one (the cluster workflows) is described for its current length.
 */
export async function historyEvents(client: Client, executions: readonly WorkflowExecutionInfo[]): Promise<number> {
  let total = 0;
  await inParallel(executions, 16, async (info) => {
    if (info.status.name !== 'RUNNING') {
      total += info.historyLength;
      return;
    }
    const description = await client.workflow.getHandle(info.workflowId, info.runId).describe();
    total += description.historyLength;
  });
  return total;
}
