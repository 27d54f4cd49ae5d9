import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortUpdate, pauseUpdate, progressQuery, resumeUpdate, retryUpdate } from '../../api/operation-messages.ts';
import { CapstanPhase } from '../../api/search-attributes.ts';
import { createTimeSkippingEnvironment } from '../harness/time-skipping.ts';
import { saveHistoryIfAsked } from './save-history.ts';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'operation-runner';
/** Per workflow: how many times each step ran, and whether step b is broken. */
const calls = new Map<string, Record<string, number>>();
const broken = new Set<string>();
/** Workflows whose step b takes a while before failing, as a slow API call does. */
const slow = new Set<string>();

beforeAll(async () => {
  env = await createTimeSkippingEnvironment();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../fixtures/operation-workflows.ts', import.meta.url)),
    activities: {
      testStep: async (name: string): Promise<string> => {
        const { Context } = await import('@temporalio/activity');
        const id = Context.current().info.workflowExecution?.workflowId ?? 'unknown';
        const counts = calls.get(id) ?? {};
        counts[name] = (counts[name] ?? 0) + 1;
        calls.set(id, counts);
        if (name === 'b' && slow.has(id)) await new Promise((resolve) => setTimeout(resolve, 1_000));
        if (name === 'b' && broken.has(id)) {
          throw id.startsWith('self-clearing')
            ? ApplicationFailure.create({ type: 'IpPoolExhausted', message: 'IP pool default/alpha is exhausted' })
            : ApplicationFailure.create({ type: 'ProxmoxTaskFailed', message: 'clone failed: TASK ERROR: unexpected status' });
        }
        return name;
      },
    },
  });
  running = worker.run();
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await env.teardown();
});

async function startBroken(id: string) {
  broken.add(id);
  const handle = await env.client.workflow.start('threeStepOperationWorkflow', { taskQueue, workflowId: id });
  await expect.poll(async () => (await handle.query(progressQuery)).phase, { timeout: 20_000 }).toBe('Blocked');
  return handle;
}

describe('OperationRunner', () => {
  it('blocks a step that exhausts its retries and re-runs exactly that step on retry', async () => {
    const handle = await startBroken('blocked-then-retried');
    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({ step: 2, steps: 3, currentStep: 'step b', phase: 'Blocked' });
    expect(progress.blocked).toMatchObject({
      step: 'step b',
      errorType: 'ProxmoxTaskFailed',
      message: 'clone failed: TASK ERROR: unexpected status',
    });
    expect(calls.get('blocked-then-retried')).toEqual({ a: 1, b: 3 }); // three attempts, then blocked
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(CapstanPhase)).toBe('Blocked');
    expect(description.memo?.['summary']).toBe('demo operation, step 2/3');

    broken.delete('blocked-then-retried');
    expect(await handle.executeUpdate(retryUpdate)).toEqual({ retried: 'step b' });
    expect(await handle.result()).toEqual(['a', 'b', 'c']);
    expect(calls.get('blocked-then-retried')).toEqual({ a: 1, b: 4, c: 1 });
    await saveHistoryIfAsked(env, 'blocked-then-retried', 'operation-blocked-retried');
    expect((await handle.query(progressQuery)).phase).toBe('Succeeded');
  });

  it('runs steps side by side: both block, one retry re-runs both, and an abort ends both', async () => {
    broken.add('side-by-side');
    const handle = await env.client.workflow.start('sideBySideOperationWorkflow', { taskQueue, workflowId: 'side-by-side' });
    await expect.poll(() => calls.get('side-by-side')?.['b'] ?? 0, { timeout: 20_000 }).toBe(6); // both exhausted their attempts
    await expect.poll(async () => (await handle.query(progressQuery)).phase, { timeout: 20_000 }).toBe('Blocked');
    expect((await handle.query(progressQuery)).currentStep).toBe('step b1 (and 1 more)');
    const { retried } = await handle.executeUpdate(retryUpdate);
    expect(['step b1', 'step b2']).toContain(retried);
    await expect.poll(() => calls.get('side-by-side')?.['b'] ?? 0, { timeout: 20_000 }).toBe(12); // each re-ran its three attempts
    await expect.poll(async () => (await handle.query(progressQuery)).phase, { timeout: 20_000 }).toBe('Blocked');
    await handle.executeUpdate(abortUpdate, { args: ['both are broken'] });
    expect(await handle.result()).toEqual(['aborted: both are broken']);
    expect(calls.get('side-by-side')?.['c']).toBeUndefined();

    const fine = await env.client.workflow.start('sideBySideOperationWorkflow', { taskQueue, workflowId: 'side-by-side-ok' });
    expect(await fine.result()).toEqual(['b', 'b', 'c']);
  });

  it('tries a step blocked on a full pool again by itself once addresses are free', async () => {
    const handle = await startBroken('self-clearing');
    expect((await handle.query(progressQuery)).blocked).toMatchObject({ errorType: 'IpPoolExhausted' });
    broken.delete('self-clearing');
    // No retry update: waiting for the result lets time skip to the next look at the pool.
    expect(await handle.result()).toEqual(['a', 'b', 'c']);
  });

  it('refuses an abort without a reason', async () => {
    const handle = await startBroken('refusals');
    await expect(handle.executeUpdate(abortUpdate, { args: ['  '] })).rejects.toMatchObject({
      cause: { message: expect.stringContaining('say why the operation is aborted') as unknown },
    });
    broken.delete('refusals');
    await handle.executeUpdate(retryUpdate);
    expect(await handle.result()).toEqual(['a', 'b', 'c']);
  });

  it('ends consistently on abort, keeping what was done', async () => {
    const handle = await startBroken('aborted');
    expect(await handle.executeUpdate(abortUpdate, { args: ['storage will not be freed'] })).toEqual({ aborted: 'step b' });
    expect(await handle.result()).toEqual(['a', 'aborted: storage will not be freed']);
    expect(calls.get('aborted')?.['c']).toBeUndefined();
  });

  it('aborts a step that is still retrying by itself, without waiting for it to block', async () => {
    broken.add('aborted-while-retrying');
    slow.add('aborted-while-retrying');
    const handle = await env.client.workflow.start('threeStepOperationWorkflow', { taskQueue, workflowId: 'aborted-while-retrying' });
    await expect.poll(() => calls.get('aborted-while-retrying')?.['b'] ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await handle.query(progressQuery)).phase).toBe('Running');
    expect(await handle.executeUpdate(abortUpdate, { args: ['the node is being replaced'] })).toEqual({ aborted: 'step b' });
    expect(await handle.result()).toEqual(['a', 'aborted: the node is being replaced']);
    expect(calls.get('aborted-while-retrying')?.['b']).toBeLessThan(3); // it never reached its last attempt
    expect((await handle.query(progressQuery)).phase).toBe('Aborted');
  });

  it('holds between steps while paused', async () => {
    const handle = await startBroken('paused');
    expect(await handle.executeUpdate(pauseUpdate)).toEqual({ paused: true });
    broken.delete('paused');
    await handle.executeUpdate(retryUpdate);
    // Step b now succeeds; step c must wait for resume.
    await expect.poll(async () => (await handle.query(progressQuery)).phase, { timeout: 20_000 }).toBe('Paused');
    expect(calls.get('paused')?.['c']).toBeUndefined();
    await expect(handle.executeUpdate(retryUpdate)).rejects.toMatchObject({
      cause: { message: expect.stringContaining('nothing to retry: demo is Paused') as unknown },
    });
    await handle.executeUpdate(resumeUpdate);
    expect(await handle.result()).toEqual(['a', 'b', 'c']);
  });
});
