import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { classifyKubernetesError } from './kubernetes-errors.ts';
import { apiStatusOf, httpStatusOf } from '../../runtime/kubernetes-api-errors.ts';

/** How one eviction went: accepted, the pod was already gone, or a budget refused it. */
export type EvictionOutcome =
  | { readonly kind: 'evicted' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'blocked'; readonly budgets: readonly string[]; readonly message: string };

// The apiserver names the budget in its cause: "The disruption budget web needs 2 healthy pods
// and has 2 currently", or "The disruption budget web is still being processed by the server."
const budgetPattern = /disruption budget (\S+)/i;

/**
 * Evicts a pod through the Eviction API (policy/v1), which honours PodDisruptionBudgets:
 * 429 = a budget allows no disruption now (retry later); 500 "more than one
 * PodDisruptionBudget" is a misconfiguration that also blocks until someone fixes it.
 */
export async function evictPod(core: CoreV1Api, pod: V1Pod): Promise<EvictionOutcome> {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  try {
    await core.createNamespacedPodEviction({
      name,
      namespace,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
    });
    return { kind: 'evicted' };
  } catch (error) {
    const code = httpStatusOf(error);
    if (code === 404) return { kind: 'gone' };
    const status = apiStatusOf(error);
    const message = status?.message ?? `HTTP ${code}`;
    if (code === 429 || (code === 500 && /PodDisruptionBudget/i.test(message))) {
      const causes = status?.details?.causes ?? [];
      const budgets = causes.flatMap((cause) => budgetPattern.exec(cause.message ?? '')?.[1] ?? []);
      return { kind: 'blocked', budgets: [...new Set(budgets)], message: causes.map((c) => c.message).join('; ') || message };
    }
    throw classifyKubernetesError(error, `evicting pod ${namespace}/${name}`);
  }
}

/**
 * Deletes a pod gracefully, past its PodDisruptionBudgets: only for pods on an unreachable node,
 * which serve nothing a budget could protect (Kubernetes' own taint-based eviction deletes them
 * the same way after five minutes). The grace period still applies.
 */
export async function deletePodOnUnreachableNode(core: CoreV1Api, pod: V1Pod): Promise<EvictionOutcome> {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  try {
    await core.deleteNamespacedPod({ name, namespace });
    return { kind: 'evicted' };
  } catch (error) {
    if (httpStatusOf(error) === 404) return { kind: 'gone' };
    throw classifyKubernetesError(error, `deleting pod ${namespace}/${name} on an unreachable node`);
  }
}
