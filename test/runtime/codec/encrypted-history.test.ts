// Against the real dev server: with the codec, a secret in a workflow's input and result is in
// history only as ciphertext, and a client holding the key reads it back.
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer, type TemporalDevServer } from '../../../embedded/servers/temporal-dev-server.ts';
import { createAesGcmCodec, encryptedEncoding } from '../../../runtime/codec/aes-gcm-codec.ts';
import { payloadCodecsFromEnv } from '../../../runtime/codec/codec-from-env.ts';
import { keyRing } from '../../../runtime/codec/codec-keys.ts';
import type { echoWorkflow } from '../../fixtures/workflows.ts';

const marker = `talos-secret-${crypto.randomUUID()}`;
const input = { patches: [`machine:\n  install:\n    extraKernelArgs: []\ncluster:\n  secretboxEncryptionSecret: ${marker}`] };
const payloadCodecs = [createAesGcmCodec(keyRing([{ id: 'it-1', key: Buffer.alloc(32, 3) }], undefined, 'test'))];

describe('encrypted payloads in a real Temporal history', () => {
  let server: TemporalDevServer | undefined;
  beforeAll(async () => {
    server = await startTemporalDevServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps the secret out of the raw history, and a client with the key reads it back', async () => {
    const { connection, namespace, address } = server!;
    const client = new Client({ connection, namespace, dataConverter: { payloadCodecs } });
    const taskQueue = `codec-${crypto.randomUUID()}`;
    const workerConnection = await NativeConnection.connect({ address });
    let result: typeof input;
    const handle = await client.workflow.start<typeof echoWorkflow<typeof input>>('echoWorkflow', {
      taskQueue,
      workflowId: `codec/${crypto.randomUUID()}`,
      args: [input],
    });
    try {
      const worker = await Worker.create({
        connection: workerConnection,
        namespace,
        taskQueue,
        workflowsPath: fileURLToPath(new URL('../../fixtures/workflows.ts', import.meta.url)),
        dataConverter: { payloadCodecs },
      });
      result = await worker.runUntil(handle.result());
    } finally {
      await workerConnection.close();
    }
    expect(result).toEqual(input);

    const history = await connection.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId },
    });
    const raw = Buffer.from(temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode(history).finish());
    expect(raw.includes(marker)).toBe(false);
    const events = history.history?.events ?? [];
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes)?.workflowExecutionStartedEventAttributes;
    const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes)?.workflowExecutionCompletedEventAttributes;
    const encodingOf = (payloads: temporal.api.common.v1.IPayloads | null | undefined): string =>
      Buffer.from(payloads?.payloads?.[0]?.metadata?.['encoding'] ?? []).toString();
    expect(encodingOf(started?.input)).toBe(encryptedEncoding);
    expect(encodingOf(completed?.result)).toBe(encryptedEncoding);

    // Without keys a client says what is missing instead of failing on an unknown encoding.
    const keyless = new Client({ connection, namespace, dataConverter: { payloadCodecs: payloadCodecsFromEnv({}) } });
    await expect(keyless.workflow.getHandle(handle.workflowId).result()).rejects.toThrow(
      'encrypted with key "it-1", but no keys are configured',
    );
  });
});
