// The disruption controller's job, so the real Eviction API in kube-apiserver allows or
// refuses evictions as in a real cluster: keep every PodDisruptionBudget's status current.
import type { V1Pod, V1PodDisruptionBudget, V1PodDisruptionBudgetStatus } from '@kubernetes/client-node';
import type { ClusterScope } from './cluster-scope.ts';
import { ignoring } from './kube-client.ts';
import type { KubeApis } from './kube-client.ts';
import { live, podReady, selectorMatches } from './selectors.ts';

// intstr: an int, or a percentage of `total` rounded up (as GetScaledValueFromIntOrPercent with roundUp).
function scaled(value: number | string | undefined, total: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? Math.ceil((Number(percent[1]) * total) / 100) : Number(value);
}

/** The status the disruption controller would write for this budget. */
export function pdbStatus(
  pdb: V1PodDisruptionBudget,
  pods: readonly V1Pod[],
  disruptedTimeoutMs: number,
  now = Date.now(),
): V1PodDisruptionBudgetStatus {
  const matched = pods.filter(
    (p) => p.metadata?.namespace === pdb.metadata?.namespace && selectorMatches(pdb.spec?.selector, p.metadata?.labels),
  );
  const disrupted: Record<string, Date> = {};
  for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
    const pod = matched.find((p) => p.metadata?.name === name);
    if (pod !== undefined && live(pod) && new Date(at).getTime() + disruptedTimeoutMs > now) disrupted[name] = new Date(at);
  }
  const expectedPods = matched.length;
  const maxUnavailable = scaled(pdb.spec?.maxUnavailable, expectedPods);
  const desiredHealthy =
    maxUnavailable === undefined ? (scaled(pdb.spec?.minAvailable, expectedPods) ?? 0) : Math.max(0, expectedPods - maxUnavailable);
  const currentHealthy = matched.filter((p) => live(p) && disrupted[p.metadata?.name ?? ''] === undefined && podReady(p)).length;
  const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
  const allowed = disruptionsAllowed > 0 ? 'True' : 'False';
  const previous = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const observedGeneration = pdb.metadata?.generation ?? 1;
  return {
    observedGeneration,
    disruptedPods: disrupted,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    disruptionsAllowed,
    conditions: [
      {
        type: 'DisruptionAllowed',
        status: allowed,
        reason: allowed === 'True' ? 'SufficientPods' : 'InsufficientPods',
        message: '',
        observedGeneration,
        lastTransitionTime: previous?.status === allowed ? previous.lastTransitionTime : new Date(now),
      },
    ],
  };
}

const comparable = (status: V1PodDisruptionBudgetStatus | undefined): string =>
  JSON.stringify([
    status?.observedGeneration,
    status?.currentHealthy,
    status?.desiredHealthy,
    status?.expectedPods,
    status?.disruptionsAllowed,
    Object.keys(status?.disruptedPods ?? {}).sort(),
  ]);

/** Writes every budget whose status is stale; conflicts (an eviction just changed it) wait for the next pass. */
export async function reconcilePdbs(
  apis: KubeApis,
  scope: ClusterScope,
  pods: readonly V1Pod[],
  disruptedTimeoutMs: number,
): Promise<void> {
  const budgets = (await apis.policy.listPodDisruptionBudgetForAllNamespaces()).items;
  for (const pdb of budgets) {
    if (!scope.ownsBudget(pdb, pods)) continue;
    const status = pdbStatus(pdb, pods, disruptedTimeoutMs);
    if (comparable(status) === comparable(pdb.status)) continue;
    pdb.status = status;
    await ignoring([404, 409], () =>
      apis.policy.replaceNamespacedPodDisruptionBudgetStatus({
        namespace: pdb.metadata?.namespace ?? 'default',
        name: pdb.metadata?.name ?? '',
        body: pdb,
      }),
    );
  }
}
