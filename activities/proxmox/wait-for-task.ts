import { Context } from '@temporalio/activity';
import { classifyTaskFailure, classified } from './classify-error.ts';
import { PveTaskStatus } from './pve-schemas.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { nodeOfUpid } from './upid.ts';
import { pollBackoff } from '../poll-backoff.ts';

/** Outcome of a finished task: OK, or the error text Proxmox logged. */
export type TaskOutcome = { readonly ok: true } | { readonly ok: false; readonly exitStatus: string };

/**
 * Polls a task on its own node until it stops, heartbeating so a stuck worker is noticed and a
 * cancelled activity stops waiting. `WARNINGS: n` counts as success, as PVE itself does.
 */
export async function waitForTask(client: ProxmoxClient, upid: string, pollMs = 500): Promise<TaskOutcome> {
  const node = nodeOfUpid(upid);
  const path = `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`;
  const nextPause = pollBackoff(pollMs);
  for (;;) {
    const task = await classified(() => client.get(path, PveTaskStatus));
    if (task.status === 'stopped') {
      const exitStatus = task.exitstatus ?? 'unexpected status';
      return exitStatus === 'OK' || exitStatus.startsWith('WARNINGS') ? { ok: true } : { ok: false, exitStatus };
    }
    Context.current().heartbeat({ waitingFor: upid });
    await Context.current().sleep(nextPause());
  }
}

/** Waits for a task and throws its classified failure unless it ended OK. */
export async function expectTaskOk(client: ProxmoxClient, upid: string, description: string): Promise<void> {
  const outcome = await waitForTask(client, upid);
  if (!outcome.ok) throw classifyTaskFailure(description, outcome.exitStatus);
}
