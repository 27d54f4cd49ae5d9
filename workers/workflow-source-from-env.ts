import { existsSync } from 'node:fs';
import { workflowSources, type WorkflowSource } from './lifecycle-worker.ts';

/**
 * CAPSTAN_WORKFLOW_BUNDLE names the workflow bundle `npm run build` wrote (the container image sets
 * it): the worker starts without webpack and runs exactly the code that was built. Unset: the
 * worker bundles the sources at start-up, as in development.
 */
export function workflowSourceFromEnv(env: NodeJS.ProcessEnv = process.env): WorkflowSource {
  const codePath = env['CAPSTAN_WORKFLOW_BUNDLE'];
  if (!codePath) return workflowSources;
  if (!existsSync(codePath)) {
    throw new Error(
      `CAPSTAN_WORKFLOW_BUNDLE=${codePath} does not exist; run 'npm run build' (it writes dist/workflow-bundle.js) or unset it to bundle the sources at start-up`,
    );
  }
  return { workflowBundle: { codePath } };
}
