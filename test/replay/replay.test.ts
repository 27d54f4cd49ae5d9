import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordedReleases, releaseHistoriesDir, releasesDir } from '../../tools/workflow-releases.ts';

// Histories recorded by the workflow tests (CAPSTAN_SAVE_HISTORIES=1), and those each release kept
// (test/replay/releases/<version>/histories, `npm run release:workflows -- --histories`). A
// workflow change that would break runs already in flight fails here with a nondeterminism error:
// version it with `patched()` instead, then record the histories anew. A release's history that is
// still saved unchanged in histories/ is replayed once.

/** One saved history: its file, the id it ran under, and where it is kept. */
interface SavedHistory {
  readonly file: string;
  readonly path: string;
  readonly workflowId: string;
  readonly keptIn: string[];
}

/** The id each history ran under (written by saveHistoryIfAsked); a machine's own run has none recorded. */
const idsIn = (file: string): Record<string, string> =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};

const byContent = new Map<string, SavedHistory>();
function collect(dir: string, idsFile: string, keptIn: string): void {
  if (!existsSync(dir)) return;
  const ids = idsIn(idsFile);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const path = join(dir, file);
    const content = readFileSync(path, 'utf8');
    const seen = byContent.get(content);
    if (seen) seen.keptIn.push(keptIn);
    else byContent.set(content, { file, path, workflowId: ids[file] ?? file, keptIn: [keptIn] });
  }
}
collect(
  fileURLToPath(new URL('./histories/', import.meta.url)),
  fileURLToPath(new URL('./workflow-ids.json', import.meta.url)),
  'histories',
);
for (const version of recordedReleases()) {
  collect(releaseHistoriesDir(version), join(releasesDir, version, 'workflow-ids.json'), `release ${version}`);
}
const histories = [...byContent.values()].sort((a, b) => a.file.localeCompare(b.file) || a.path.localeCompare(b.path));

const sources: Record<string, string> = {
  production: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
  fixtures: fileURLToPath(new URL('../fixtures/operation-workflows.ts', import.meta.url)),
};
const bundles: Record<string, WorkflowBundleWithSourceMap> = {};

beforeAll(async () => {
  for (const [name, workflowsPath] of Object.entries(sources)) bundles[name] = await bundleWorkflowCode({ workflowsPath });
}, 120_000);

describe('saved histories replay against the current workflow code', () => {
  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(5);
  });

  it.each(histories.map((h) => [`${h.file} (${h.keptIn.join(', ')})`, h] as const))('%s', async (_name, saved) => {
    const history = historyFromJSON(JSON.parse(readFileSync(saved.path, 'utf8')));
    const bundle = saved.file.startsWith('operation-') ? bundles['fixtures'] : bundles['production'];
    await Worker.runReplayHistory({ workflowBundle: bundle! }, history, saved.workflowId);
    expect(history.events?.length).toBeGreaterThan(10);
  });
});
