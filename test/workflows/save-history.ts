import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * With CAPSTAN_SAVE_HISTORIES=1, writes a finished run's history to test/replay/histories so the
 * replay test can check that later workflow changes still replay it (i.e. are deterministic).
 */
export async function saveHistoryIfAsked(env: TestWorkflowEnvironment, workflowId: string, name: string): Promise<void> {
  if (process.env['CAPSTAN_SAVE_HISTORIES'] !== '1') return;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const json = historyToJSON(proto.temporal.api.history.v1.History.create(history));
  writeFileSync(new URL(`../replay/histories/${name}.json`, import.meta.url), `${json}\n`);
}
