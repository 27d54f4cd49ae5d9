import { TestWorkflowEnvironment } from '@temporalio/testing';
import { requireTool, temporalTestServer } from '../../tools/tool-paths.ts';

/**
 * Starts the real time-skipping test server from the project's install (the SDK's own download
 * cannot reach its host here). Tear it down with `env.teardown()` in afterAll.
 */
export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = requireTool(temporalTestServer());
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}
