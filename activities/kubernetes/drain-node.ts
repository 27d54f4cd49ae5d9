import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { setUnschedulable } from './cordon.ts';
import { isTerminating, podKey, skipReason, type SkipReason } from './drain-pods.ts';
import { evictPod } from './evict-pod.ts';
import { classifiedKubernetes } from './kubernetes-errors.ts';

/** What a drain did. `found: false` means there was no such Node: nothing to drain. */
export interface DrainResult {
  readonly found: boolean;
  /** Pods whose eviction this drain requested, `namespace/name`. */
  readonly evicted: readonly string[];
  readonly skipped: readonly { readonly pod: string; readonly reason: SkipReason }[];
}

/** How long to keep trying and how often. */
export interface DrainTiming {
  readonly timeoutSeconds: number;
  readonly pollMs: number;
}

interface Blocked {
  readonly pod: string;
  readonly budgets: readonly string[];
  readonly message: string;
}

/**
 * Cordons the node, then evicts its pods (sparing DaemonSet and mirror pods) until none is
 * left, retrying evictions a PodDisruptionBudget refuses. At the timeout it fails with a
 * retryable DrainBlockedByPdb naming the budgets and pods, or DrainIncomplete when evicted pods
 * are still terminating. Heartbeats every round; safe to run again after any failure.
 */
export async function drainNode(core: CoreV1Api, name: string, timing: DrainTiming): Promise<DrainResult> {
  if (!(await setUnschedulable(core, name, true))) return { found: false, evicted: [], skipped: [] };
  const deadline = Date.now() + timing.timeoutSeconds * 1000;
  const evicted = new Set<string>();
  for (;;) {
    const pods = await podsOnNode(core, name);
    const skipped = pods.flatMap((pod) => {
      const reason = skipReason(pod);
      return reason ? [{ pod: podKey(pod), reason }] : [];
    });
    const remaining = pods.filter((pod) => !skipReason(pod));
    if (remaining.length === 0) return { found: true, evicted: [...evicted].sort(), skipped };
    const blocked: Blocked[] = [];
    for (const pod of remaining.filter((p) => !isTerminating(p))) {
      const outcome = await evictPod(core, pod);
      if (outcome.kind === 'evicted') evicted.add(podKey(pod));
      if (outcome.kind === 'blocked') blocked.push({ pod: podKey(pod), budgets: outcome.budgets, message: outcome.message });
    }
    if (Date.now() >= deadline) throw drainTimedOut(name, timing.timeoutSeconds, remaining, blocked);
    Context.current().heartbeat({ node: name, remaining: remaining.map(podKey), blockedByPdb: blocked.map((b) => b.pod) });
    await Context.current().sleep(timing.pollMs);
  }
}

async function podsOnNode(core: CoreV1Api, name: string): Promise<V1Pod[]> {
  const list = await classifiedKubernetes(`listing pods on node ${name}`, () =>
    core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` }),
  );
  // Finished pods hold no disruption budget and block nothing.
  return list.items.filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
}

function drainTimedOut(name: string, timeoutSeconds: number, remaining: readonly V1Pod[], blocked: readonly Blocked[]) {
  if (blocked.length > 0) {
    const budgets = [...new Set(blocked.flatMap((b) => b.budgets))].sort();
    const pods = blocked.map((b) => b.pod).sort();
    const named = budgets.length > 0 ? `PodDisruptionBudget ${budgets.join(', ')}` : 'a PodDisruptionBudget';
    return failure(
      ErrorType.DrainBlockedByPdb,
      `drain of node ${name} blocked by ${named} after ${timeoutSeconds}s: evicting ${pods.join(', ')} would violate it (${blocked[0]?.message ?? ''})`,
    );
  }
  const pods = remaining.map(podKey).sort();
  return failure(
    ErrorType.DrainIncomplete,
    `drain of node ${name} incomplete after ${timeoutSeconds}s: ${pods.join(', ')} still terminating`,
  );
}
