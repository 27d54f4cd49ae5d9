import { setTimeout as delay } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { addSearchAttributes } from '../../client/temporal/search-attributes.ts';
import { requireTool, temporalTestServer } from '../../tools/tool-paths.ts';

/**
 * Starts the real time-skipping test server from the project's install (the SDK's own download
 * cannot reach its host here), with Capstan's search attributes registered. Tear it down with
 * `env.teardown()` in afterAll.
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = requireTool(temporalTestServer());
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  try {
    await addSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

/**
 * Lets `env.sleep` skip time again after the test server leaked time-skipping locks. The Java test
 * server counts locks, and some paths (child workflows among them: temporalio/sdk-typescript#1101,
 * temporalio/sdk-java#1618) take one they never give back, so a later `env.sleep` waits in real
 * time. A sleep of (almost) a second is started first; then locks are released one at a time until that
 * sleep ends, which happens once none is left: the server then moves one second and locks again,
 * which leaves the environment holding the one lock it holds between sleeps. (Releasing past zero
 * would let time run free, up to the workflows' ten-year execution timeout.)
 */
export async function releaseLeakedTimeSkippingLocks(env: TestWorkflowEnvironment): Promise<number> {
  const service = env.connection.testService;
  if (!service) throw new Error('not a time-skipping environment');
  // An object, not a `let`: the sleep's callback sets it while the loop reads it.
  const sleep = { ended: false };
  const bound = service.unlockTimeSkippingWithSleep({ duration: { nanos: 999_999_999 } }).then(() => {
    sleep.ended = true;
  });
  const ended = (): boolean => sleep.ended;
  let released = 0;
  for (;;) {
    // Long enough for the sleep's answer to arrive before the next release once the count is zero.
    await delay(100);
    if (ended() || released >= 1_000) break;
    await service.unlockTimeSkipping({});
    released += 1;
  }
  await bound;
  return released;
}
