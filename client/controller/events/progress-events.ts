import { ConditionReason } from '../../../api/capi/conditions.ts';
import type { ClusterProgress } from '../../../api/cluster-messages.ts';
import { EventReason, type EventSpec } from './event-spec.ts';
import { blockedRemedy } from '../../../api/blocked-remedy.ts';
import { certificatesCondition } from '../status/certificates-condition.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

type Recent = ClusterProgress['recent'][number];

/**
 * The Events between two polls of a cluster workflow's progress: an operation started, one
 * finished (from the new entries of `recent`, so an operation that started and ended between
 * two polls is not lost), a step blocked or resumed, the workflow held a spec. Nothing on the
 * first poll: a controller that starts (or takes over) must not repeat what was said before.
 */
export function progressEvents(previous: ClusterProgress | undefined, next: ClusterProgress, cluster: ClusterRef): EventSpec[] {
  if (previous === undefined) return [];
  const events: EventSpec[] = [];
  for (const finished of finishedSince(previous, next)) events.push(finishedEvent(finished));
  const op = next.operation;
  if (op && op.workflowId !== previous.operation?.workflowId) {
    events.push({ type: 'Normal', reason: EventReason.OperationStarted, message: `${op.summary} (${op.workflowId})` });
  }
  const blockKey = (b: ClusterProgress['blocked'][number]): string => `${b.workflowId}\n${b.step}\n${b.since}`;
  const before = new Set(previous.blocked.map(blockKey));
  const after = new Set(next.blocked.map(blockKey));
  for (const b of next.blocked) {
    if (before.has(blockKey(b))) continue;
    events.push({
      type: 'Warning',
      reason: EventReason.OperationBlocked,
      message: `step "${b.step}" of ${b.workflowId} failed: ${b.errorType}: ${b.message}; ${blockedRemedy(cluster)}`,
    });
  }
  for (const b of previous.blocked) {
    // A blocked run that is gone while its operation still runs was retried; one that ended shows as finished.
    if (after.has(blockKey(b)) || next.operation === undefined) continue;
    events.push({ type: 'Normal', reason: EventReason.OperationResumed, message: `step "${b.step}" of ${b.workflowId} runs again` });
  }
  if (next.phase === 'Held' && next.held !== undefined && (previous.phase !== 'Held' || previous.held !== next.held)) {
    events.push({ type: 'Warning', reason: EventReason.OperationHeld, message: next.held });
  }
  // Once per new warning: a CA found expiring, or a renewal check that started failing.
  const [was, is] = [certificatesCondition(previous.credentials, cluster), certificatesCondition(next.credentials, cluster)];
  if (is?.status === 'False' && is.reason !== undefined && is.reason !== was?.reason) {
    events.push({ type: 'Warning', reason: is.reason, message: is.message ?? is.reason });
  }
  // Once per scheduled snapshot that starts failing.
  const [failedBefore, failsNow] = [previous.etcdBackup?.problem, next.etcdBackup?.problem];
  if (failsNow !== undefined && failedBefore === undefined) {
    events.push({ type: 'Warning', reason: ConditionReason.BackupFailed, message: failsNow });
  }
  return events;
}

function finishedEvent(entry: Recent): EventSpec {
  if (entry.outcome === 'Succeeded') return { type: 'Normal', reason: EventReason.OperationSucceeded, message: entry.summary };
  const reason = entry.outcome.startsWith('Aborted') ? EventReason.OperationAborted : EventReason.OperationFailed;
  return { type: 'Warning', reason, message: `${entry.summary}: ${entry.outcome}` };
}

/**
 * The operations that finished between two polls: counted from `operations` (started so far,
 * the running one included) when the workflow reports it, else found by comparing `recent`.
 */
function finishedSince(previous: ClusterProgress, next: ClusterProgress): Recent[] {
  const finished = (p: ClusterProgress): number | undefined =>
    typeof p.operations === 'number' ? p.operations - (p.operation ? 1 : 0) : undefined;
  const [before, after] = [finished(previous), finished(next)];
  if (before === undefined || after === undefined || after < before) return newEntries(previous.recent, next.recent);
  return next.recent.slice(Math.max(next.recent.length - (after - before), 0));
}

/**
 * The entries `next` appended to `previous`: the fewest that make the rest of `next` a suffix of
 * `previous` (the list keeps only the last few, so old entries fall off the front).
 */
export function newEntries(previous: readonly Recent[], next: readonly Recent[]): Recent[] {
  const same = (a: Recent | undefined, b: Recent | undefined): boolean =>
    a !== undefined && b !== undefined && a.kind === b.kind && a.summary === b.summary && a.outcome === b.outcome;
  for (let added = 0; added <= next.length; added++) {
    const kept = next.length - added;
    if (kept > previous.length) continue;
    const offset = previous.length - kept;
    let matches = true;
    for (let i = 0; i < kept && matches; i++) matches = same(next[i], previous[offset + i]);
    if (matches) return next.slice(kept);
  }
  return [...next];
}
