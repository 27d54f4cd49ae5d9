import type { Client } from '@temporalio/client';
import { delay } from '../../embedded/servers/managed-process.ts';

/** The workflow ids a visibility query lists right now. */
export async function listIds(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

/** Visibility is eventually consistent: a just-started or just-ended run may take a moment to be listed. */
export async function listUntilFound(client: Client, query: string, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = await listIds(client, query);
    if (ids.length > 0) return ids;
    if (Date.now() > deadline) throw new Error(`no workflow matched ${query} within ${timeoutMs} ms`);
    await delay(100);
  }
}
