// The controllers that keep pods existing: the `web` ReplicaSet (pods are created unbound and
// the scheduler step places them), the kube-proxy DaemonSet (one pod per Node) and the
// kube-apiserver mirror pods a control plane's kubelet publishes.
import type { V1Node, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import type { Random } from '../../common/random.ts';
import { ignoring } from './kube-client.ts';
import type { KubeApis } from './kube-client.ts';
import { live, podReady } from './selectors.ts';
import type { KubeletView } from './kubelet-views.ts';
import type { Workload } from './workloads.ts';

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
/** A Kubernetes-style random name suffix. */
export const suffix = (random: Random): string =>
  Array.from({ length: 5 }, () => alphabet[Math.floor(random.next() * alphabet.length)] ?? 'x').join('');
const owned = (pod: V1Pod, uid: string): boolean => pod.metadata?.ownerReferences?.some((o) => o.uid === uid) === true;

async function reconcileReplicaSet(apis: KubeApis, random: Random, workload: Workload, pods: readonly V1Pod[]): Promise<void> {
  const { namespace } = workload.replicaSet;
  const rs = await apis.apps.readNamespacedReplicaSet({ namespace, name: workload.replicaSet.name });
  const want = rs.spec?.replicas ?? 0;
  const mine = pods.filter((p) => owned(p, workload.replicaSet.uid) && live(p));
  const owner: V1OwnerReference = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: workload.replicaSet.name,
    uid: workload.replicaSet.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  for (let i = mine.length; i < want; i += 1) {
    const template = rs.spec?.template;
    await apis.core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: `${workload.replicaSet.name}-${suffix(random)}`,
          namespace,
          labels: template?.metadata?.labels ?? {},
          ownerReferences: [owner],
        },
        spec: template?.spec ?? { containers: [] },
      },
    });
  }
  for (const extra of mine.slice(want))
    await ignoring([404], () => apis.core.deleteNamespacedPod({ namespace, name: extra.metadata?.name ?? '' }));
  const ready = mine.filter(podReady).length;
  const replicas = Math.min(mine.length, want);
  if (rs.status?.replicas !== replicas || rs.status.readyReplicas !== ready) {
    rs.status = {
      replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      fullyLabeledReplicas: replicas,
      observedGeneration: rs.metadata?.generation ?? 1,
    };
    await ignoring([409], () => apis.apps.replaceNamespacedReplicaSetStatus({ namespace, name: workload.replicaSet.name, body: rs }));
    const deployment = await apis.apps.readNamespacedDeployment({ namespace, name: 'web' });
    deployment.status = {
      replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      updatedReplicas: replicas,
      unavailableReplicas: Math.max(0, want - ready),
      observedGeneration: deployment.metadata?.generation ?? 1,
    };
    await ignoring([409], () => apis.apps.replaceNamespacedDeploymentStatus({ namespace, name: 'web', body: deployment }));
  }
}

async function reconcileDaemonSet(
  apis: KubeApis,
  random: Random,
  workload: Workload,
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
): Promise<void> {
  const { namespace } = workload.daemonSet;
  const ds = await apis.apps.readNamespacedDaemonSet({ namespace, name: workload.daemonSet.name });
  const template = ds.spec?.template;
  const owner: V1OwnerReference = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    name: workload.daemonSet.name,
    uid: workload.daemonSet.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const mine = pods.filter((p) => owned(p, workload.daemonSet.uid));
  for (const node of nodes) {
    const nodeName = node.metadata?.name ?? '';
    if (mine.some((p) => p.spec?.nodeName === nodeName && live(p))) continue;
    await apis.core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: `${workload.daemonSet.name}-${suffix(random)}`,
          namespace,
          labels: template?.metadata?.labels ?? {},
          ownerReferences: [owner],
        },
        spec: { containers: template?.spec?.containers ?? [], tolerations: template?.spec?.tolerations ?? [], nodeName },
      },
    });
  }
  const ready = mine.filter((p) => live(p) && podReady(p)).length;
  const scheduled = mine.filter(live).length;
  if (
    ds.status?.desiredNumberScheduled !== nodes.length ||
    ds.status.currentNumberScheduled !== scheduled ||
    ds.status.numberReady !== ready
  ) {
    ds.status = {
      desiredNumberScheduled: nodes.length,
      currentNumberScheduled: scheduled,
      numberReady: ready,
      numberAvailable: ready,
      updatedNumberScheduled: scheduled,
      numberMisscheduled: 0,
      observedGeneration: ds.metadata?.generation ?? 1,
    };
    await ignoring([409], () => apis.apps.replaceNamespacedDaemonSetStatus({ namespace, name: workload.daemonSet.name, body: ds }));
  }
}

async function reconcileMirrorPods(
  apis: KubeApis,
  labels: Readonly<Record<string, string>>,
  views: readonly KubeletView[],
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
): Promise<void> {
  for (const view of views.filter((v) => v.controlPlane && v.up)) {
    const node = nodes.find((n) => n.metadata?.name === view.name);
    const name = `kube-apiserver-${view.name}`;
    if (node === undefined || pods.some((p) => p.metadata?.name === name && p.metadata.namespace === 'kube-system')) continue;
    await ignoring([409], () =>
      apis.core.createNamespacedPod({
        namespace: 'kube-system',
        body: {
          metadata: {
            name,
            namespace: 'kube-system',
            labels: { component: 'kube-apiserver', tier: 'control-plane', ...labels },
            annotations: { 'kubernetes.io/config.mirror': `sim-${view.vmid}`, 'kubernetes.io/config.source': 'file' },
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: view.name, uid: node.metadata?.uid ?? '', controller: true }],
          },
          spec: {
            nodeName: view.name,
            containers: [{ name: 'kube-apiserver', image: `registry.k8s.io/kube-apiserver:${view.kubeletVersion}` }],
            priorityClassName: 'system-cluster-critical',
          },
        },
      }),
    );
  }
}

/** Creates missing pods of every simulated owner. */
export async function reconcilePodOwners(
  apis: KubeApis,
  random: Random,
  workload: Workload,
  views: readonly KubeletView[],
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
): Promise<void> {
  await reconcileReplicaSet(apis, random, workload, pods);
  await reconcileDaemonSet(apis, random, workload, nodes, pods);
  await reconcileMirrorPods(apis, workload.labels, views, nodes, pods);
}
