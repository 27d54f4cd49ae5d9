import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

// Histories recorded by the workflow tests (CAPSTAN_SAVE_HISTORIES=1). A workflow change that
// would break runs already in flight fails here with a nondeterminism error: version it with
// `patched()` instead, then record the histories anew.
const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const sources: Record<string, string> = {
  production: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
  fixtures: fileURLToPath(new URL('../fixtures/operation-workflows.ts', import.meta.url)),
};
const bundles: Record<string, WorkflowBundleWithSourceMap> = {};
/** The id each history ran under (written by saveHistoryIfAsked); a machine's own run has none recorded. */
const workflowIds = JSON.parse(readFileSync(new URL('./workflow-ids.json', import.meta.url), 'utf8')) as Record<string, string>;

beforeAll(async () => {
  for (const [name, workflowsPath] of Object.entries(sources)) bundles[name] = await bundleWorkflowCode({ workflowsPath });
}, 120_000);

describe('saved histories replay against the current workflow code', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    const bundle = file.startsWith('operation-') ? bundles['fixtures'] : bundles['production'];
    await Worker.runReplayHistory({ workflowBundle: bundle! }, history, workflowIds[file] ?? file);
    expect(history.events?.length).toBeGreaterThan(10);
  });
});
