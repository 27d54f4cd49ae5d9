import type { CoreV1Api, V1Node, V1Pod } from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { setUnschedulable } from './cordon.ts';
import { isTerminating, isUnreachable, podKey, skipReason, type SkipReason } from './drain-pods.ts';
import { deletePodOnUnreachableNode, evictPod } from './evict-pod.ts';
import { isNotFound } from '../../runtime/kubernetes-api-errors.ts';
import { classifiedKubernetes, classifyKubernetesError } from './kubernetes-errors.ts';

/** What a drain did. `found: false` means there was no such Node: nothing to drain. */
export interface DrainResult {
  readonly found: boolean;
  /** Pods whose eviction this drain requested, `namespace/name`. */
  readonly evicted: readonly string[];
  readonly skipped: readonly { readonly pod: string; readonly reason: SkipReason }[];
  /** With proceedAtTimeout: the pods still on the node when the timeout came, `namespace/name`. */
  readonly leftAtTimeout?: readonly string[];
}

/** How long to keep trying and how often. */
export interface DrainTiming {
  readonly timeoutSeconds: number;
  readonly pollMs: number;
  /** At the timeout, return (naming the pods left) instead of failing: Cluster API's nodeDrainTimeout. */
  readonly proceedAtTimeout?: boolean;
}

interface Blocked {
  readonly pod: string;
  readonly budgets: readonly string[];
  readonly message: string;
}

/**
 * Cordons the node, then evicts its pods (sparing DaemonSet and mirror pods) until none is
 * left, retrying evictions a PodDisruptionBudget refuses. At the timeout it fails once (not
 * retryable: it already waited its whole timeout) with DrainBlockedByPdb naming the budgets and
 * pods, or DrainIncomplete when evicted pods are still terminating — or, when asked to proceed,
 * returns the pods it left. On an unreachable node (Ready=Unknown: a dead kubelet, a destroyed VM)
 * pods serve nothing, so they are deleted past their budgets — otherwise replacing the last
 * workers of a budgeted app would wait forever on a budget only the replacements can satisfy —
 * and count as gone a second after their grace period: no kubelet will ever confirm them.
 * Heartbeats every round; safe to run again after any failure.
 */
export async function drainNode(core: CoreV1Api, name: string, timing: DrainTiming): Promise<DrainResult> {
  if (!(await setUnschedulable(core, name, true))) return { found: false, evicted: [], skipped: [] };
  const deadline = Date.now() + timing.timeoutSeconds * 1000;
  const evicted = new Set<string>();
  for (;;) {
    const node = await readNode(core, name);
    if (!node) return { found: true, evicted: [...evicted].sort(), skipped: [] };
    const reachability = { unreachable: isUnreachable(node), now: new Date() };
    const pods = await podsOnNode(core, name);
    const skipped = pods.flatMap((pod) => {
      const reason = skipReason(pod, reachability);
      return reason ? [{ pod: podKey(pod), reason }] : [];
    });
    const remaining = pods.filter((pod) => !skipReason(pod, reachability));
    if (remaining.length === 0) return { found: true, evicted: [...evicted].sort(), skipped };
    const blocked: Blocked[] = [];
    for (const pod of remaining.filter((p) => !isTerminating(p))) {
      const outcome = reachability.unreachable ? await deletePodOnUnreachableNode(core, pod) : await evictPod(core, pod);
      if (outcome.kind === 'evicted') evicted.add(podKey(pod));
      if (outcome.kind === 'blocked') blocked.push({ pod: podKey(pod), budgets: outcome.budgets, message: outcome.message });
    }
    // Pods deleted on an unreachable node clear by themselves when their grace period ends: no timeout for those.
    const clearing = reachability.unreachable && blocked.length === 0 && remaining.every(isTerminating);
    if (Date.now() >= deadline && !clearing) {
      if (timing.proceedAtTimeout)
        return { found: true, evicted: [...evicted].sort(), skipped, leftAtTimeout: remaining.map(podKey).sort() };
      throw drainTimedOut(name, timing.timeoutSeconds, remaining, blocked);
    }
    Context.current().heartbeat({ node: name, remaining: remaining.map(podKey), blockedByPdb: blocked.map((b) => b.pod) });
    await Context.current().sleep(timing.pollMs);
  }
}

// Undefined when someone deleted the Node while it was being drained: nothing is left to drain.
async function readNode(core: CoreV1Api, name: string): Promise<V1Node | undefined> {
  try {
    return await core.readNode({ name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw classifyKubernetesError(error, `reading node ${name}`);
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
