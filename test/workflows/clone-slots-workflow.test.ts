import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireCloneSlotSignal,
  cloneSlotsQuery,
  releaseCloneSlotSignal,
  type CloneSlotRequest,
  type CloneSlotsInput,
  type CloneSlotsState,
} from '../../api/clone-slots.ts';
import { createTimeSkippingEnvironment } from '../harness/time-skipping.ts';
import { saveHistoryIfAsked } from './save-history.ts';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'clone-slots';
const minute = 60_000;

beforeAll(async () => {
  env = await createTimeSkippingEnvironment();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../../workflows/clone-slots-workflow.ts', import.meta.url)),
  });
  running = worker.run();
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await env.teardown();
});

const empty = (limit: number): CloneSlotsState => ({ limit, holders: [], waiting: [] });
const request = (holder: string, extra: Partial<CloneSlotRequest> = {}): CloneSlotRequest => ({
  holder,
  attempt: 1,
  first: false,
  limit: 2,
  leaseMs: 10 * minute,
  waitLeaseMs: 60 * minute,
  ...extra,
});

function semaphore(workflowId: string, input: CloneSlotsInput) {
  const acquire = (req: CloneSlotRequest) =>
    env.client.workflow.signalWithStart('cloneSlotsWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      signal: acquireCloneSlotSignal,
      signalArgs: [req],
    });
  const handle = env.client.workflow.getHandle(workflowId);
  const release = (holder: string, attempt = 1) => handle.signal(releaseCloneSlotSignal, { holder, attempt });
  const names = async () => {
    const state = await handle.query(cloneSlotsQuery);
    return { holders: state.holders.map((h) => h.holder), waiting: state.waiting.map((w) => w.holder) };
  };
  return { acquire, release, names, handle };
}

describe('cloneSlotsWorkflow', () => {
  it('grants at most `limit` slots and passes a released one to the next in line', async () => {
    const slots = semaphore('slots/limit', { state: empty(2) });
    for (const holder of ['a', 'b', 'c']) await slots.acquire(request(holder));
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['a', 'b'], waiting: ['c'] });
    await slots.release('a');
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['b', 'c'], waiting: [] });
    // A renewal is not a second request: the holder keeps its one slot.
    await slots.acquire(request('b'));
    await slots.acquire(request('d'));
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['b', 'c'], waiting: ['d'] });
  });

  it('serves control planes (`first`) ahead of the others waiting, in their own order', async () => {
    const slots = semaphore('slots/priority', { state: empty(1) });
    await slots.acquire(request('holding', { limit: 1 }));
    await slots.acquire(request('worker-1', { limit: 1 }));
    await slots.acquire(request('cp-1', { limit: 1, first: true }));
    await slots.acquire(request('worker-2', { limit: 1 }));
    await slots.acquire(request('cp-2', { limit: 1, first: true }));
    await expect
      .poll(slots.names, { timeout: 10_000 })
      .toEqual({ holders: ['holding'], waiting: ['cp-1', 'cp-2', 'worker-1', 'worker-2'] });
    const served: string[] = [];
    for (const next of ['cp-1', 'cp-2', 'worker-1', 'worker-2']) {
      await slots.release((await slots.names()).holders[0] ?? '');
      await expect.poll(async () => (await slots.names()).holders, { timeout: 10_000 }).toEqual([next]);
      served.push(next);
    }
    expect(served).toEqual(['cp-1', 'cp-2', 'worker-1', 'worker-2']);
  });

  it("lets a retry take over its holder's slot or place in the queue, counted once", async () => {
    const slots = semaphore('slots/retry', { state: empty(1) });
    await slots.acquire(request('a', { limit: 1 }));
    await slots.acquire(request('b', { limit: 1 }));
    await slots.acquire(request('c', { limit: 1 }));
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['a'], waiting: ['b', 'c'] });
    // The retries of a (whose clone may still run) and of b ask again: same slot, same place.
    await slots.acquire(request('a', { limit: 1, attempt: 2 }));
    await slots.acquire(request('b', { limit: 1, attempt: 3 }));
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['a'], waiting: ['b', 'c'] });
    const state = await slots.handle.query(cloneSlotsQuery);
    expect(state.holders.map((h) => h.attempt)).toEqual([2]);
    expect(state.waiting.map((w) => w.attempt)).toEqual([3, 1]);
    await slots.release('a', 2);
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['b'], waiting: ['c'] });
  });

  it('ignores the late release of an attempt older than the latest that asked', async () => {
    const slots = semaphore('slots/late-release', { state: empty(1) });
    await slots.acquire(request('a', { limit: 1 }));
    await slots.acquire(request('b', { limit: 1 }));
    await slots.acquire(request('a', { limit: 1, attempt: 2 }));
    // Attempt 1 timed out on a live worker and gives back the slot attempt 2 now clones in: nothing changes.
    await slots.release('a', 1);
    // A late renewal of attempt 1 does not make it the latest again.
    await slots.acquire(request('a', { limit: 1, attempt: 1 }));
    await slots.release('a', 1);
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['a'], waiting: ['b'] });
    expect((await slots.handle.query(cloneSlotsQuery)).holders[0]?.attempt).toBe(2);
    await slots.release('a', 2);
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['b'], waiting: [] });
  });

  it('frees the slot of a holder that stopped renewing only when its lease ends, not before', async () => {
    const slots = semaphore('slots/expiry', { state: empty(1) });
    await slots.acquire(request('dead', { limit: 1 }));
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['dead'], waiting: [] });
    // Its first renewal as a holder: from now on its lease is the long one (the clone may outlive it).
    await slots.acquire(request('dead', { limit: 1 }));
    await slots.acquire(request('alive', { limit: 1 }));
    await env.sleep(9 * minute);
    expect(await slots.names()).toEqual({ holders: ['dead'], waiting: ['alive'] });
    await env.sleep(2 * minute);
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['alive'], waiting: [] });
  });

  it('drops a waiter that stopped renewing before it ever holds a slot', async () => {
    const slots = semaphore('slots/waiter-expiry', { state: empty(1) });
    await slots.acquire(request('holder', { limit: 1, leaseMs: 60 * minute }));
    await slots.acquire(request('gone', { limit: 1, waitLeaseMs: minute }));
    await slots.acquire(request('staying', { limit: 1, waitLeaseMs: 60 * minute }));
    await env.sleep(2 * minute);
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['holder'], waiting: ['staying'] });
  });

  it('continues as new when its history grows, keeping holders and the queue', async () => {
    const slots = semaphore('slots/continue-as-new', { state: empty(1), historyLimit: 20 });
    await slots.acquire(request('a', { limit: 1 }));
    const firstRun = (await slots.handle.describe()).runId;
    await slots.acquire(request('b', { limit: 1, first: false }));
    await slots.acquire(request('c', { limit: 1, first: true }));
    // Renewals grow the history past the limit.
    for (let i = 0; i < 12; i += 1) await slots.acquire(request('a', { limit: 1 }));
    await expect.poll(async () => (await slots.handle.describe()).runId, { timeout: 10_000 }).not.toBe(firstRun);
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['a'], waiting: ['c', 'b'] });
    await slots.release('a');
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['c'], waiting: ['b'] });
  });

  it('ends once nobody has held or waited for its idle time, and starts again on the next request', async () => {
    const slots = semaphore('slots/idle', { state: empty(2), idleMs: 5 * minute });
    for (const holder of ['a', 'b', 'c']) await slots.acquire(request(holder));
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['a', 'b'], waiting: ['c'] });
    for (const holder of ['a', 'b', 'c']) await slots.release(holder);
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: [], waiting: [] });
    await env.sleep(6 * minute);
    await expect.poll(async () => (await slots.handle.describe()).status.name, { timeout: 10_000 }).toBe('COMPLETED');
    // Semaphores run for long: test/replay keeps a whole run so a change that would stall them is caught.
    await saveHistoryIfAsked(env, 'slots/idle', 'clone-slots-idle');
    await slots.acquire(request('b'));
    await expect.poll(async () => (await slots.handle.describe()).status.name, { timeout: 10_000 }).toBe('RUNNING');
    await expect.poll(slots.names, { timeout: 10_000 }).toEqual({ holders: ['b'], waiting: [] });
  });
});
