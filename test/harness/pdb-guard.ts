// A drain that cannot finish, on purpose: a pod pinned to one node behind a PodDisruptionBudget
// that allows no disruption. Tests use it to make a delete or upgrade step block.
import { CoreV1Api, PolicyV1Api, type KubeConfig } from '@kubernetes/client-node';
import { eventually } from '../../embedded/servers/eventually.ts';

/** Pins a pod to `node` behind budget `budget` (minAvailable 1), and waits until the budget really guards it. */
export async function guardNode(workload: KubeConfig, node: string, budget: string): Promise<void> {
  await workload.makeApiClient(CoreV1Api).createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: { name: budget, labels: { app: budget } },
      spec: { nodeName: node, containers: [{ name: 'guard', image: 'registry.k8s.io/pause:3.10' }] },
    },
  });
  const policy = workload.makeApiClient(PolicyV1Api);
  await policy.createNamespacedPodDisruptionBudget({
    namespace: 'default',
    body: { metadata: { name: budget }, spec: { minAvailable: 1, selector: { matchLabels: { app: budget } } } },
  });
  // The apiserver lets a pending or unready pod go regardless of its budget.
  await eventually(
    async () => {
      const pdb = await policy.readNamespacedPodDisruptionBudget({ namespace: 'default', name: budget });
      if (pdb.status?.currentHealthy !== 1 || pdb.status.disruptionsAllowed !== 0) throw new Error(`budget ${budget} not guarding yet`);
    },
    60_000,
    250,
  );
}

/** Lifts the guard: the budget goes, the drain can finish. */
export async function dropGuard(workload: KubeConfig, budget: string): Promise<void> {
  await workload.makeApiClient(PolicyV1Api).deleteNamespacedPodDisruptionBudget({ namespace: 'default', name: budget });
}
