import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanCluster } from '../../api/search-attributes.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import type { waitForFinishWorkflow } from '../fixtures/workflows.ts';
import { finishWithFixtureWorker } from '../harness/fixture-worker.ts';
import { listIds, listUntilFound } from '../harness/visibility.ts';

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

    expect(await finishWithFixtureWorker({ address, namespace }, taskQueue, handle)).toBe('finished');
    const completed = await listUntilFound(client, `CapstanCluster = "${cluster}" AND ExecutionStatus = "Completed"`);
    expect(completed).toEqual([handle.workflowId]);
  });
});
