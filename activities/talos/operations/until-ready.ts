import { pollBackoff } from '../../poll-backoff.ts';
import { heartbeat, pause } from './talos-session.ts';

/** A node still coming up is waited out for this many polls at the full interval (a minute at 2 s), then the call fails and Temporal retries it. */
const patiencePolls = 30;

/**
 * Calls `attempt` until it stops failing with an error `stillComingUp` recognises (a node still
 * booting, a service not started yet), looking again soon at first: a step right after a boot
 * goes on as soon as the node can take it, not after the activity's retry interval. Other
 * errors, and the last one after `patiencePolls` full intervals, are thrown as they are.
 */
export async function untilReady<T>(
  what: string,
  attempt: () => Promise<T>,
  stillComingUp: (error: unknown) => boolean,
  pollCapMs: number,
): Promise<T> {
  const deadline = Date.now() + patiencePolls * pollCapMs;
  const nextPause = pollBackoff(pollCapMs);
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!stillComingUp(error) || Date.now() >= deadline) throw error;
      heartbeat({ waitingFor: what, reason: (error as Error).message });
      await pause(nextPause());
    }
  }
}
