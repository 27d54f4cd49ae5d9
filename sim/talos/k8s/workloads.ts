// The objects a fresh simulated cluster gets, so drains meet what they meet in real clusters:
// a Deployment-like `web` (Deployment → ReplicaSet → pods) covered by a PodDisruptionBudget, and
// a `kube-proxy` DaemonSet. No kube-controller-manager runs: the simulator keeps them going.
import type { V1DaemonSet, V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { ClusterScope } from './cluster-scope.ts';
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
  readonly replicaSet: { readonly name: string; readonly namespace: string; readonly uid: string };
  readonly daemonSet: { readonly name: string; readonly namespace: string; readonly uid: string };
  /** The scope's labels, carried by every pod the controllers create. */
  readonly labels: Readonly<Record<string, string>>;
}

const templateHash = '6d4cf56db6';
const webLabels = { app: 'web' };
const pause = 'registry.k8s.io/pause:3.10';

function webTemplate(scoped: Readonly<Record<string, string>>): V1PodTemplateSpec {
  return {
    metadata: { labels: { ...webLabels, 'pod-template-hash': templateHash, ...scoped } },
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

/** Creates (or finds, after a restart) the sample workload in the scope's namespaces. */
export async function ensureWorkload(apis: KubeApis, scope: ClusterScope, options: WorkloadOptions = {}): Promise<Workload> {
  const { web: namespace, proxy: proxyNamespace } = scope.namespaces;
  const scoped = scope.labels;
  const namespaces = [...new Set([namespace, proxyNamespace])];
  if (scope.shared)
    for (const name of namespaces)
      await ignoring([409], () => apis.core.createNamespace({ body: { metadata: { name, labels: { ...scoped } } } }));
  // The ServiceAccount admission plugin refuses pods whose namespace has no `default` account;
  // kube-controller-manager would have created them.
  for (const name of new Set(['default', 'kube-system', ...namespaces])) {
    await ignoring([409], () => apis.core.createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } }));
  }
  const replicas = options.replicas ?? 2;
  const deployment: V1Deployment = {
    metadata: { name: 'web', namespace, labels: { ...webLabels, ...scoped } },
    spec: { replicas, selector: { matchLabels: webLabels }, template: webTemplate(scoped) },
  };
  const created = await createOrGet(
    () => apis.apps.createNamespacedDeployment({ namespace, body: deployment }),
    () => apis.apps.readNamespacedDeployment({ namespace, name: 'web' }),
  );
  const rsName = `web-${templateHash}`;
  const replicaSet: V1ReplicaSet = {
    metadata: {
      name: rsName,
      namespace,
      labels: { ...webLabels, 'pod-template-hash': templateHash, ...scoped },
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
    spec: { replicas, selector: { matchLabels: { ...webLabels, 'pod-template-hash': templateHash } }, template: webTemplate(scoped) },
  };
  const rs = await createOrGet(
    () => apis.apps.createNamespacedReplicaSet({ namespace, body: replicaSet }),
    () => apis.apps.readNamespacedReplicaSet({ namespace, name: rsName }),
  );
  await ignoring([409], () =>
    apis.policy.createNamespacedPodDisruptionBudget({
      namespace,
      body: {
        metadata: { name: 'web', namespace, labels: { ...scoped } },
        spec: { minAvailable: options.minAvailable ?? 1, selector: { matchLabels: webLabels } },
      },
    }),
  );
  const proxyLabels = { 'k8s-app': 'kube-proxy' };
  const daemonSet: V1DaemonSet = {
    metadata: { name: 'kube-proxy', namespace: proxyNamespace, labels: { ...proxyLabels, ...scoped } },
    spec: {
      selector: { matchLabels: proxyLabels },
      template: {
        metadata: { labels: { ...proxyLabels, ...scoped } },
        spec: { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.34.1' }], tolerations: [{ operator: 'Exists' }] },
      },
    },
  };
  const ds = await createOrGet(
    () => apis.apps.createNamespacedDaemonSet({ namespace: proxyNamespace, body: daemonSet }),
    () => apis.apps.readNamespacedDaemonSet({ namespace: proxyNamespace, name: 'kube-proxy' }),
  );
  return {
    replicaSet: { name: rsName, namespace, uid: rs.metadata?.uid ?? '' },
    daemonSet: { name: 'kube-proxy', namespace: proxyNamespace, uid: ds.metadata?.uid ?? '' },
    labels: scoped,
  };
}
