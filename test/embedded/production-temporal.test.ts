import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanCluster, capstanSearchAttributes } from '../../api/search-attributes.ts';
import { groupAlive } from '../../embedded/servers/managed-process.ts';
import { startProductionTemporal, type ProductionTemporal } from '../../embedded/servers/production-temporal.ts';
import { processesWithEnv } from '../../tools/orphans.ts';
import type { waitForFinishWorkflow } from '../fixtures/workflows.ts';
import { finishWithFixtureWorker } from '../harness/fixture-worker.ts';
import { listIds, listUntilFound } from '../harness/visibility.ts';

const { EventType, IndexedValueType } = proto.temporal.api.enums.v1;

// Every process the harness starts inherits this, so after stop() none may be left with it.
const markerValue = randomUUID();

describe('production-like Temporal (temporal-server on PostgreSQL)', () => {
  let temporal: ProductionTemporal | undefined;
  beforeAll(async () => {
    // Set for the whole file: restartServer() spawns a new server that must carry it too.
    process.env['CAPSTAN_PRODUCTION_TEMPORAL_TEST'] = markerValue;
    temporal = await startProductionTemporal();
  });
  afterAll(async () => {
    await temporal?.stop();
    delete process.env['CAPSTAN_PRODUCTION_TEMPORAL_TEST'];
  });

  it('serves the namespace with Capstan search attributes registered as keywords', async () => {
    const { connection, namespace } = temporal!;
    const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace });
    expect(namespaceInfo?.name).toBe(namespace);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    for (const key of capstanSearchAttributes) expect(customAttributes[key.name]).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
  });

  it('finds a run by a Capstan search attribute, and keeps its history across a server restart', async () => {
    const { connection, namespace, address } = temporal!;
    const client = new Client({ connection, namespace });
    const cluster = `production/${randomUUID()}`;
    const taskQueue = `production-${randomUUID()}`;
    const handle = await client.workflow.start<typeof waitForFinishWorkflow>('waitForFinishWorkflow', {
      taskQueue,
      workflowId: `cluster/${cluster}`,
      typedSearchAttributes: [{ key: CapstanCluster, value: cluster }],
    });
    expect(await listUntilFound(client, `CapstanCluster = "${cluster}" AND ExecutionStatus = "Running"`)).toEqual([handle.workflowId]);
    expect(await listIds(client, `CapstanCluster = "${cluster}-other"`)).toEqual([]);

    // The dev server would forget the run here; PostgreSQL keeps it.
    await temporal!.restartServer();

    expect(await finishWithFixtureWorker({ address, namespace }, taskQueue, handle)).toBe('finished');
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events[0]?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    expect(events.at(-1)?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    expect(await listUntilFound(client, `CapstanCluster = "${cluster}" AND ExecutionStatus = "Completed"`)).toEqual([handle.workflowId]);
  });

  it('leaves no process and no folder behind when stopped', async () => {
    const { workDir } = temporal!;
    const started = processesWithEnv('CAPSTAN_PRODUCTION_TEMPORAL_TEST', markerValue);
    expect(started.map((found) => basename(found.command.split(' ')[0] ?? ''))).toEqual(
      expect.arrayContaining(['postgres', 'temporal-server']),
    );
    await temporal!.stop();
    expect(processesWithEnv('CAPSTAN_PRODUCTION_TEMPORAL_TEST', markerValue)).toEqual([]);
    // PostgreSQL's backends write their status over their environment, so the marker cannot find
    // them: they are found by their process group, which is the postmaster's.
    for (const { pid } of started) expect(groupAlive(pid), `process group ${pid}`).toBe(false);
    expect(existsSync(workDir)).toBe(false);
  });
});
