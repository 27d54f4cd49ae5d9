// The objects a fresh simulated cluster gets, so drains meet what they meet in real clusters:
// a Deployment-like `web` (Deployment → ReplicaSet → pods) covered by a PodDisruptionBudget, and
// a `kube-proxy` DaemonSet. No kube-controller-manager runs: the simulator keeps them going.
import type { V1DaemonSet, V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { httpStatusOf, ignoring } from './kube-client.ts';
import type { KubeApis } from './kube-client.ts';

/** The sizes of the sample workload. */
export interface WorkloadOptions {
  /** Pods of the `web` Deployment (default 2). */
  readonly replicas?: number;
  /** `minAvailable` of its PodDisruptionBudget (default 1). */
  readonly minAvailable?: number;
}

/** The objects the controllers act for, with the uids pods' ownerReferences need. */
export interface Workload {
  readonly replicaSet: { readonly name: string; readonly uid: string };
  readonly daemonSet: { readonly name: string; readonly uid: string };
}

const templateHash = '6d4cf56db6';
const webLabels = { app: 'web' };
const pause = 'registry.k8s.io/pause:3.10';

function webTemplate(): V1PodTemplateSpec {
  return {
    metadata: { labels: { ...webLabels, 'pod-template-hash': templateHash } },
    spec: { containers: [{ name: 'web', image: pause }], terminationGracePeriodSeconds: 30 },
  };
}

async function createOrGet<T>(create: () => Promise<T>, read: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (httpStatusOf(error) !== 409) throw error;
    return read();
  }
}

/** Creates (or finds, after a restart) the sample workload. */
export async function ensureWorkload(apis: KubeApis, options: WorkloadOptions = {}): Promise<Workload> {
  // The ServiceAccount admission plugin refuses pods whose namespace has no `default` account;
  // kube-controller-manager would have created them.
  for (const namespace of ['default', 'kube-system']) {
    await ignoring([409], () => apis.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } }));
  }
  const replicas = options.replicas ?? 2;
  const deployment: V1Deployment = {
    metadata: { name: 'web', namespace: 'default', labels: webLabels },
    spec: { replicas, selector: { matchLabels: webLabels }, template: webTemplate() },
  };
  const created = await createOrGet(
    () => apis.apps.createNamespacedDeployment({ namespace: 'default', body: deployment }),
    () => apis.apps.readNamespacedDeployment({ namespace: 'default', name: 'web' }),
  );
  const rsName = `web-${templateHash}`;
  const replicaSet: V1ReplicaSet = {
    metadata: {
      name: rsName,
      namespace: 'default',
      labels: { ...webLabels, 'pod-template-hash': templateHash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: created.metadata?.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { replicas, selector: { matchLabels: { ...webLabels, 'pod-template-hash': templateHash } }, template: webTemplate() },
  };
  const rs = await createOrGet(
    () => apis.apps.createNamespacedReplicaSet({ namespace: 'default', body: replicaSet }),
    () => apis.apps.readNamespacedReplicaSet({ namespace: 'default', name: rsName }),
  );
  await ignoring([409], () =>
    apis.policy.createNamespacedPodDisruptionBudget({
      namespace: 'default',
      body: {
        metadata: { name: 'web', namespace: 'default' },
        spec: { minAvailable: options.minAvailable ?? 1, selector: { matchLabels: webLabels } },
      },
    }),
  );
  const proxyLabels = { 'k8s-app': 'kube-proxy' };
  const daemonSet: V1DaemonSet = {
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: proxyLabels },
    spec: {
      selector: { matchLabels: proxyLabels },
      template: {
        metadata: { labels: proxyLabels },
        spec: { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.34.1' }], tolerations: [{ operator: 'Exists' }] },
      },
    },
  };
  const ds = await createOrGet(
    () => apis.apps.createNamespacedDaemonSet({ namespace: 'kube-system', body: daemonSet }),
    () => apis.apps.readNamespacedDaemonSet({ namespace: 'kube-system', name: 'kube-proxy' }),
  );
  return {
    replicaSet: { name: rsName, uid: rs.metadata?.uid ?? '' },
    daemonSet: { name: 'kube-proxy', uid: ds.metadata?.uid ?? '' },
  };
}
