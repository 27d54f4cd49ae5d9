import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

/**
 * Runs one activity outside a worker, as a test's step. An activity that waits (heartbeating)
 * longer than `stuckAfterMs` is cancelled and the step fails naming it and what it last saw, so
 * a step that never ends says which one it is instead of timing out the whole test.
 */
export async function runActivity<A extends unknown[], R>(fn: (...args: A) => Promise<R>, args: A, stuckAfterMs = 90_000): Promise<R> {
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  let lastHeartbeat: unknown = 'none yet';
  env.on('heartbeat', (details: unknown) => (lastHeartbeat = details));
  const watch = { stuck: false };
  const watchdog = setTimeout(() => {
    watch.stuck = true;
    env.cancel('TIMED_OUT');
  }, stuckAfterMs);
  try {
    return await env.run(fn, ...args);
  } catch (error) {
    if (!watch.stuck) throw error;
    throw new Error(`${fn.name} still ran after ${stuckAfterMs} ms; last heartbeat: ${JSON.stringify(lastHeartbeat)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(watchdog);
  }
}
