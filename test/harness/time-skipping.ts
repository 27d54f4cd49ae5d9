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
