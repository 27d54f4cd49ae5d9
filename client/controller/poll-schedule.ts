import type { ClusterRecord } from './cluster-records.ts';

/** How often the leader asks cluster workflows for progress. */
export interface PollIntervals {
  /** While an operation runs or waits, or just after a signal. */
  readonly activeMs: number;
  /** While the cluster is idle (a cheap heartbeat that notices out-of-band changes). */
  readonly idleMs: number;
  /** How long after a signal the fast rate holds even if nothing reports running yet. */
  readonly afterSignalMs: number;
}

export const defaultPollIntervals: PollIntervals = { activeMs: 1_000, idleMs: 15_000, afterSignalMs: 10_000 };

/**
 * Whether a cluster's progress is due for a poll: fast while something happens (an operation
 * runs, is blocked or paused, the cluster is being deleted, or a signal was just sent), slow
 * when idle; never while a poll is in flight, never without a running workflow. Pure.
 */
export function pollDue(
  record: Pick<ClusterRecord, 'workflow' | 'progress' | 'polledAtMs' | 'activeUntilMs' | 'polling' | 'deleteSent'>,
  nowMs: number,
  intervals: PollIntervals,
): boolean {
  if (record.polling) return false;
  if (record.workflow.state !== 'running' && record.workflow.state !== 'ended') return false;
  const phase = record.progress?.phase;
  const active =
    record.workflow.state === 'running' &&
    (record.deleteSent ||
      nowMs < record.activeUntilMs ||
      phase === 'Running' ||
      phase === 'Blocked' ||
      phase === 'Paused' ||
      record.progress === undefined);
  return nowMs - record.polledAtMs >= (active ? intervals.activeMs : intervals.idleMs);
}
