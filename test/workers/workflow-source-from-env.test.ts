// Where the worker takes its workflow code from: the bundle `npm run build` wrote when
// CAPSTAN_WORKFLOW_BUNDLE names it (the container image), the sources otherwise.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { workflowSources } from '../../workers/lifecycle-worker.ts';
import { workflowSourceFromEnv } from '../../workers/workflow-source-from-env.ts';

const dir = makeTempDir('workflow-source');
afterAll(() => {
  dir.remove();
});

describe('workflowSourceFromEnv', () => {
  it('bundles the sources at start-up when CAPSTAN_WORKFLOW_BUNDLE is unset', () => {
    expect(workflowSourceFromEnv({})).toBe(workflowSources);
  });

  it('loads the pre-built bundle CAPSTAN_WORKFLOW_BUNDLE names', () => {
    const codePath = join(dir.path, 'workflow-bundle.js');
    writeFileSync(codePath, '// bundle');
    expect(workflowSourceFromEnv({ CAPSTAN_WORKFLOW_BUNDLE: codePath })).toEqual({ workflowBundle: { codePath } });
  });

  it('refuses a bundle path that does not exist, naming the command that writes it', () => {
    expect(() => workflowSourceFromEnv({ CAPSTAN_WORKFLOW_BUNDLE: join(dir.path, 'missing.js') })).toThrow(
      `CAPSTAN_WORKFLOW_BUNDLE=${join(dir.path, 'missing.js')} does not exist; run 'npm run build'`,
    );
  });
});
