import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanCluster } from '../../api/search-attributes.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import { delay } from '../../embedded/servers/managed-process.ts';
import { finishSignal, type waitForFinishWorkflow } from '../fixtures/workflows.ts';

describe('Temporal dev server', () => {
  let server: TemporalDevServer | undefined;
  beforeAll(async () => {
    server = await startTemporalDevServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('finds a workflow by its CapstanCluster search attribute, while it runs and after it ends', async () => {
    const { connection, namespace, address } = server!;
    const client = new Client({ connection, namespace });
    const cluster = `visibility/${crypto.randomUUID()}`;
    const taskQueue = `visibility-${crypto.randomUUID()}`;
    const handle = await client.workflow.start<typeof waitForFinishWorkflow>('waitForFinishWorkflow', {
      taskQueue,
      workflowId: `cluster/${cluster}`,
      typedSearchAttributes: [{ key: CapstanCluster, value: cluster }],
    });

    const running = await listUntilFound(client, `CapstanCluster = "${cluster}" AND ExecutionStatus = "Running"`);
    expect(running).toEqual([handle.workflowId]);
    // Another cluster's value must not match: the query really filters on the attribute.
    expect(await listIds(client, `CapstanCluster = "${cluster}-other"`)).toEqual([]);

    const nativeConnection = await NativeConnection.connect({ address });
    try {
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace,
        taskQueue,
        workflowsPath: fileURLToPath(new URL('../fixtures/workflows.ts', import.meta.url)),
      });
      await worker.runUntil(async () => {
        await handle.signal(finishSignal);
        expect(await handle.result()).toBe('finished');
      });
    } finally {
      await nativeConnection.close();
    }
    const completed = await listUntilFound(client, `CapstanCluster = "${cluster}" AND ExecutionStatus = "Completed"`);
    expect(completed).toEqual([handle.workflowId]);
  });
});

async function listIds(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

// Visibility is eventually consistent: a just-started run may take a moment to be listed.
async function listUntilFound(client: Client, query: string): Promise<string[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ids = await listIds(client, query);
    if (ids.length > 0) return ids;
    await delay(100);
  }
  throw new Error(`no workflow matched ${query} within 10 s`);
}
