import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

const idsFile = new URL('../replay/workflow-ids.json', import.meta.url);

/**
 * With CAPSTAN_SAVE_HISTORIES=1, writes a finished run's history to test/replay/histories so the
 * replay test can check that later workflow changes still replay it (i.e. are deterministic), and
 * its workflow id to test/replay/workflow-ids.json: a workflow that draws from its id (the seed of
 * a Random delete policy) replays only under the same id.
 */
export async function saveHistoryIfAsked(env: TestWorkflowEnvironment, workflowId: string, name: string): Promise<void> {
  if (process.env['CAPSTAN_SAVE_HISTORIES'] !== '1') return;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const json = historyToJSON(proto.temporal.api.history.v1.History.create(history));
  writeFileSync(new URL(`../replay/histories/${name}.json`, import.meta.url), `${json}\n`);
  const ids = existsSync(idsFile) ? (JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>) : {};
  ids[`${name}.json`] = workflowId;
  const sorted = Object.fromEntries(Object.entries(ids).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(idsFile, `${JSON.stringify(sorted, null, 2)}\n`);
}
