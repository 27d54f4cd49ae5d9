import { afterEach, describe, expect, it } from 'vitest';
import { WorkQueue, type HandlerResult } from '../../client/controller/work-queue.ts';
import { delay } from '../../embedded/servers/managed-process.ts';
import { eventually } from '../../embedded/servers/eventually.ts';

/** A handler whose runs the test releases one by one. */
function gatedHandler() {
  const runs: string[] = [];
  const gates: Array<() => void> = [];
  let active = 0;
  let maxActive = 0;
  const handler = async (key: string): Promise<HandlerResult | undefined> => {
    runs.push(key);
    active += 1;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => gates.push(resolve));
    active -= 1;
    return undefined;
  };
  return { handler, runs, release: () => gates.shift()?.(), pending: () => gates.length, maxActive: () => maxActive };
}

describe('WorkQueue', () => {
  const queues: WorkQueue[] = [];
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop();
  });
  const make = (...args: ConstructorParameters<typeof WorkQueue>): WorkQueue => {
    const queue = new WorkQueue(...args);
    queues.push(queue);
    return queue;
  };

  it('queues a key once however often it is added', async () => {
    const runs: string[] = [];
    const queue = make((key) => {
      runs.push(key);
      return Promise.resolve(undefined);
    });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.start();
    await queue.idle();
    expect(runs).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once, and runs it once more when it changed meanwhile', async () => {
    const gate = gatedHandler();
    const queue = make(gate.handler, { concurrency: 4 });
    queue.start();
    queue.add('a');
    await eventually(() => {
      expect(gate.pending()).toBe(1);
    });
    queue.add('a');
    queue.add('a');
    await delay(20);
    expect(gate.runs).toEqual(['a']);
    gate.release();
    await eventually(() => {
      expect(gate.pending()).toBe(1);
    });
    gate.release();
    await queue.idle();
    expect(gate.runs).toEqual(['a', 'a']);
    expect(gate.maxActive()).toBe(1);
  });

  it('runs different keys concurrently up to the limit', async () => {
    const gate = gatedHandler();
    const queue = make(gate.handler, { concurrency: 2 });
    queue.start();
    for (const key of ['a', 'b', 'c']) queue.add(key);
    await eventually(() => {
      expect(gate.pending()).toBe(2);
    });
    expect(gate.runs).toEqual(['a', 'b']);
    gate.release();
    await eventually(() => {
      expect(gate.runs).toEqual(['a', 'b', 'c']);
    });
    gate.release();
    gate.release();
    await queue.idle();
    expect(gate.maxActive()).toBe(2);
  });

  it('retries a failing key with growing delays and resets after a success', async () => {
    const times: number[] = [];
    const errors: number[] = [];
    let failuresLeft = 3;
    const queue = make(
      () => {
        times.push(Date.now());
        return failuresLeft-- > 0 ? Promise.reject(new Error('boom')) : Promise.resolve(undefined);
      },
      { baseDelayMs: 40, maxDelayMs: 1_000, onError: (_key, _error, retryInMs) => errors.push(retryInMs) },
    );
    queue.start();
    queue.add('a');
    await eventually(() => {
      expect(times).toHaveLength(4);
    }, 5_000);
    expect(errors).toEqual([40, 80, 160]);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[2]).toBeGreaterThanOrEqual(150);
    expect(queue.failures('a')).toBe(0);
  });

  it('requeues after the delay a handler asks for', async () => {
    const times: number[] = [];
    const queue = make(() => {
      times.push(Date.now());
      return Promise.resolve(times.length < 2 ? { requeueAfterMs: 100 } : undefined);
    });
    queue.start();
    queue.add('a');
    await eventually(() => {
      expect(times).toHaveLength(2);
    });
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(90);
  });

  it('handles nothing while stopped and drops what was queued', async () => {
    const runs: string[] = [];
    const queue = make((key) => {
      runs.push(key);
      return Promise.resolve(undefined);
    });
    queue.add('a');
    await delay(20);
    expect(runs).toEqual([]);
    queue.start();
    await queue.idle();
    expect(runs).toEqual(['a']);
    await queue.stop();
    queue.add('b');
    queue.addAfter('c', 10);
    await delay(50);
    expect(runs).toEqual(['a']);
  });
});
