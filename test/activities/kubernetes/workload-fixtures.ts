// Test-only stand-ins for what a workload cluster's kubelets and controllers would do: no
// kubelet or controller-manager runs beside the harness apiserver, so the tests register Nodes,
// report pod and node status, keep PodDisruptionBudget status current, and finish pod deletion.
import { randomUUID } from 'node:crypto';
import { CoreV1Api, PatchStrategy, PolicyV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** API clients of the cluster the tests play kubelet for. */
export function workloadApis(kubeConfig: KubeConfig) {
  return { core: kubeConfig.makeApiClient(CoreV1Api), policy: kubeConfig.makeApiClient(PolicyV1Api) };
}
type Apis = ReturnType<typeof workloadApis>;

/** Registers a Node, as a kubelet does on first start. */
export async function registerNode({ core }: Apis, name: string, labels: Record<string, string> = {}): Promise<void> {
  await core.createNode({ body: { metadata: { name, labels } } });
}

/** Reports the node's Ready condition and versions through the status subresource. */
/** `ready: 'Unknown'` is what the node controller writes once the kubelet stops posting status. */
export async function reportNodeStatus(
  { core }: Apis,
  name: string,
  ready: boolean | 'Unknown',
  kubeletVersion = 'v1.33.4',
): Promise<void> {
  const now = new Date().toISOString();
  await core.patchNodeStatus(
    {
      name,
      body: {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: ready === 'Unknown' ? 'Unknown' : ready ? 'True' : 'False',
              reason: ready === 'Unknown' ? 'NodeStatusUnknown' : ready ? 'KubeletReady' : 'KubeletNotReady',
              message:
                ready === 'Unknown'
                  ? 'Kubelet stopped posting node status.'
                  : ready
                    ? 'kubelet is posting ready status'
                    : 'container runtime network not ready',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
          nodeInfo: {
            kubeletVersion,
            osImage: 'Talos (v1.12.4)',
            kernelVersion: '6.12.40-talos',
            containerRuntimeVersion: 'containerd://2.1.4',
            kubeProxyVersion: kubeletVersion,
            operatingSystem: 'linux',
            architecture: 'amd64',
            machineID: name,
            systemUUID: name,
            bootID: name,
          },
        },
      },
    },
    merge,
  );
}

/** A namespace with the `default` ServiceAccount (no controller creates it here, admission needs it). */
export async function ensureNamespace({ core }: Apis, namespace: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } });
}

/** What kind of pod to put on a node. */
export type PodKind = 'plain' | 'daemonset' | 'mirror';

/** Creates a pod bound to the node and reports it Running and Ready, as its kubelet would. */
export async function runPod(
  { core }: Apis,
  namespace: string,
  name: string,
  node: string,
  kind: PodKind = 'plain',
  labels: Record<string, string> = {},
  terminationGracePeriodSeconds?: number,
) {
  const ownerReferences =
    kind === 'daemonset'
      ? [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent', uid: randomUUID(), controller: true }]
      : undefined;
  const annotations = kind === 'mirror' ? { 'kubernetes.io/config.mirror': randomUUID() } : undefined;
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels, ownerReferences, annotations },
      spec: { nodeName: node, terminationGracePeriodSeconds, containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }] },
    },
  });
  // Pending pods are evicted without asking their budget: report them Running and Ready.
  await core.patchNamespacedPodStatus(
    { name, namespace, body: { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } },
    merge,
  );
}

/** A PodDisruptionBudget over `app=<app>` with the status the disruption controller would write. */
export async function createBudget(apis: Apis, namespace: string, name: string, app: string, disruptionsAllowed: number): Promise<void> {
  await apis.policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } },
  });
  await setDisruptionsAllowed(apis, namespace, name, disruptionsAllowed);
}

/** Sets `status.disruptionsAllowed`; observedGeneration must match or evictions get 429 "still being processed". */
export async function setDisruptionsAllowed({ policy }: Apis, namespace: string, name: string, disruptionsAllowed: number): Promise<void> {
  const budget = await policy.readNamespacedPodDisruptionBudget({ name, namespace });
  await policy.patchNamespacedPodDisruptionBudgetStatus(
    {
      name,
      namespace,
      body: {
        status: {
          disruptionsAllowed,
          currentHealthy: 1 + disruptionsAllowed,
          desiredHealthy: 1,
          expectedPods: 1 + disruptionsAllowed,
          observedGeneration: budget.metadata?.generation ?? 1,
        },
      },
    },
    merge,
  );
}

/**
 * Finishes the deletion of terminating pods (grace period 0), as a kubelet does once the
 * containers stopped: without it an evicted pod stays Terminating forever. Returns `stop`.
 */
export function startFakeKubelet({ core }: Apis, intervalMs = 100): () => Promise<void> {
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      const pods = await core.listPodForAllNamespaces().catch(() => ({ items: [] }));
      for (const pod of pods.items.filter((p) => p.metadata?.deletionTimestamp)) {
        await core
          .deleteNamespacedPod({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', gracePeriodSeconds: 0 })
          .catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return async () => {
    state.running = false;
    await loop;
  };
}

/** Whether a pod still exists. */
export async function podExists({ core }: Apis, namespace: string, name: string): Promise<boolean> {
  return core.readNamespacedPod({ name, namespace }).then(
    () => true,
    () => false,
  );
}
