import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimeSkippingEnvironment } from '../harness/time-skipping.ts';
import type { sleepWorkflow } from '../fixtures/workflows.ts';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs two hours of workflow time without waiting two hours', async () => {
    const testEnv = env!;
    const taskQueue = `time-skipping-${crypto.randomUUID()}`;
    const worker = await Worker.create({
      connection: testEnv.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows.ts', import.meta.url)),
    });
    const serverTimeBefore = await testEnv.currentTimeMs();
    const result = await worker.runUntil(
      testEnv.client.workflow.execute<typeof sleepWorkflow>('sleepWorkflow', {
        args: ['2 hours'],
        taskQueue,
        workflowId: `sleep-${taskQueue}`,
      }),
    );
    // The vitest timeout (60 s) bounds wall time; workflow time must have moved two hours.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(2 * 60 * 60 * 1000);
    expect((await testEnv.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(2 * 60 * 60 * 1000);
  });
});
