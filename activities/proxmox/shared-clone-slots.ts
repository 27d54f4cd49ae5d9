import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  acquireCloneSlotSignal,
  cloneSlotsQuery,
  cloneSlotsWorkflowType,
  releaseCloneSlotSignal,
  type CloneSlotRelease,
  type CloneSlotRequest,
} from '../../api/clone-slots.ts';
import { ErrorType } from '../../api/errors.ts';
import { cloneSlotsWorkflowId } from '../../api/ids.ts';
import { cloneSlotsMetadata } from '../../plan/workflow-summaries.ts';
import { failure } from '../failure.ts';
import type { CloneSlots, TaskStops } from './clone-slots.ts';

/** How the shared clone slots behave; the defaults suit real Proxmox. */
export interface SharedCloneSlotSettings {
  /** Clones at once per storage, across all workers. */
  readonly limit: number;
  /** A granted slot outlives its holder's last renewal by this much: a clone goes on after its worker dies. */
  readonly leaseMs: number;
  /** A waiting holder keeps its place this long after its last renewal. */
  readonly waitLeaseMs: number;
  /** How often a holder renews, waiting or cloning. */
  readonly renewMs: number;
  /** The longest pause between two looks for the grant. */
  readonly pollMs: number;
}

/** Ten minutes of lease: a full clone of a large disk takes minutes, and one that outlives its worker keeps the storage busy. */
export const defaultSharedCloneSlotSettings: Omit<SharedCloneSlotSettings, 'limit'> = {
  leaseMs: 10 * 60_000,
  waitLeaseMs: 60_000,
  renewMs: 10_000,
  pollMs: 500,
};

/**
 * Clone slots shared by every worker of the namespace: one semaphore workflow per storage of one
 * Proxmox (workflows/clone-slots-workflow.ts), asked with signalWithStart from inside the clone
 * activity, whose Temporal client this is. The holder is the same in every attempt of the
 * activity, so a retry takes over the slot of an attempt that died or failed while Proxmox cloned.
 */
export function sharedCloneSlots(client: Client, proxmoxHost: string, settings: SharedCloneSlotSettings): CloneSlots {
  return {
    async run(storage, key, work, options = {}) {
      const context = Context.current();
      const { attempt } = context.info;
      const request: CloneSlotRequest = {
        holder: holderOf(key),
        attempt,
        first: options.first === true,
        limit: settings.limit,
        leaseMs: settings.leaseMs,
        waitLeaseMs: settings.waitLeaseMs,
      };
      const workflowId = cloneSlotsWorkflowId(proxmoxHost, storage);
      const ask = async (): Promise<void> => {
        await client.workflow.signalWithStart(cloneSlotsWorkflowType, {
          workflowId,
          // The worker's own queue: every worker that clones also runs the semaphore.
          taskQueue: context.info.taskQueue,
          args: [{ state: { limit: settings.limit, holders: [], waiting: [] } }],
          signal: acquireCloneSlotSignal,
          signalArgs: [request],
          ...cloneSlotsMetadata(proxmoxHost, storage, settings.limit),
        });
      };
      // Set from inside `work`, which this function cannot see through.
      const clone: { submitted: boolean; stopped: boolean; taskStops?: TaskStops } = { submitted: false, stopped: false };
      let succeeded = false;
      try {
        await waitForGrant(client, workflowId, request, ask, settings);
        // Renewed as a holder before the clone starts: from here a dead worker's slot stays held for the long lease.
        await ask();
        const stopRenewing = keepRenewing(ask, settings.renewMs);
        try {
          const result = await work(
            (taskStops) => {
              clone.submitted = true;
              if (taskStops) clone.taskStops = taskStops;
            },
            () => {
              clone.stopped = true;
            },
          );
          succeeded = true;
          return result;
        } finally {
          await stopRenewing();
        }
      } finally {
        // A clone Proxmox took on goes on whatever happened to this attempt: its slot stays held
        // (the lease, or the retry that takes it over) until the clone is seen to end. One whose
        // task Proxmox reported stopped (a refused clone, say) holds nothing any more.
        if (succeeded || !clone.submitted || clone.stopped) await release(client, workflowId, { holder: request.holder, attempt });
        // Otherwise the clone still runs in Proxmox: the slot is given back when its task stops,
        // even when no retry comes (a terminated or reset run), instead of when the lease runs out.
        else if (clone.taskStops)
          releaseWhenStopped(client, workflowId, { holder: request.holder, attempt }, clone.taskStops, settings.leaseMs);
      }
    },
    async ended(storage, key) {
      const { attempt } = Context.current().info;
      // Only a retry can find a slot an earlier attempt left held.
      if (attempt <= 1) return;
      await release(client, cloneSlotsWorkflowId(proxmoxHost, storage), { holder: holderOf(key), attempt });
    },
  };
}

// One clone of one activity, the same in every attempt; `key` (the VMID) tells apart the clones one activity tries.
function holderOf(key: string): string {
  const { workflowExecution, activityId } = Context.current().info;
  return `${workflowExecution?.workflowId ?? 'standalone'}/${activityId}#${key}`;
}

async function waitForGrant(
  client: Client,
  workflowId: string,
  { holder, attempt }: CloneSlotRequest,
  ask: () => Promise<void>,
  settings: SharedCloneSlotSettings,
): Promise<void> {
  const context = Context.current();
  const handle = client.workflow.getHandle(workflowId);
  await ask();
  let askedAt = Date.now();
  let pause = 25;
  for (;;) {
    const state = await handle.query(cloneSlotsQuery).catch(() => undefined);
    const entry = [...(state?.holders ?? []), ...(state?.waiting ?? [])].find((e) => e.holder === holder);
    // Temporal gave up on this attempt (a heartbeat timeout) and its retry asked: the slot is the retry's now.
    if (entry && entry.attempt > attempt) {
      throw failure(ErrorType.ProxmoxLocked, `clone slot ${holder} was taken over by attempt ${entry.attempt}`);
    }
    if (state?.holders.some((h) => h.holder === holder)) return;
    const place = state?.waiting.findIndex((w) => w.holder === holder) ?? -1;
    // Renew while waiting; ask again when the semaphore lost us (it ended idle or dropped an expired lease).
    if (Date.now() - askedAt >= settings.renewMs || (place === -1 && Date.now() - askedAt >= settings.pollMs * 4)) {
      await ask();
      askedAt = Date.now();
    }
    context.heartbeat({ waitingForCloneSlot: workflowId, place });
    await context.sleep(pause);
    pause = Math.min(settings.pollMs, pause * 2);
  }
}

// Renews in the background while the clone runs; the returned stop waits for a renewal in flight,
// so no renewal can land after the release and queue the holder again.
function keepRenewing(ask: () => Promise<void>, everyMs: number): () => Promise<void> {
  const log = Context.current().log;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    inFlight = ask()
      .catch((error: unknown) => {
        log.warn(`clone slot renewal failed: ${String(error)}`);
      })
      .then(() => {
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  timer = setTimeout(tick, everyMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
}

// In the background, past the activity's end: the worker process outlives the run. A release
// with this attempt leaves alone a retry that took the slot over (the queue keeps newer attempts).
function releaseWhenStopped(client: Client, workflowId: string, slot: CloneSlotRelease, taskStops: TaskStops, withinMs: number): void {
  const log = Context.current().log;
  void taskStops(withinMs)
    .then(async (stopped) => {
      if (stopped) await client.workflow.getHandle(workflowId).signal(releaseCloneSlotSignal, slot);
    })
    .catch((error: unknown) => {
      if (!(error instanceof WorkflowNotFoundError)) log.warn(`clone slot release after the clone ended failed: ${String(error)}`);
    });
}

// A release that fails leaves the slot to its lease; it must not hide how the clone went.
async function release(client: Client, workflowId: string, slot: CloneSlotRelease): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId).signal(releaseCloneSlotSignal, slot);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) Context.current().log.warn(`clone slot release failed: ${String(error)}`);
  }
}
