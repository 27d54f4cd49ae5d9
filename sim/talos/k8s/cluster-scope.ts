// Which objects of the Kubernetes API are one simulated cluster's. On the cluster's own
// kube-apiserver: all of them. On one shared by many clusters (light mode, `sharedKubernetes`): the
// objects the simulator creates for the cluster carry its label, its sample workload lives in a
// namespace of its own, and a pod someone else created is the cluster's when it is bound to one of
// the cluster's Nodes (Node names are unique across clusters).
import type { V1Node, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { SimCluster } from '../core/state.ts';
import type { KubeApis } from './kube-client.ts';
import { selectorMatches } from './selectors.ts';

/** Marks the objects the simulator made for a cluster on a shared apiserver; the value is the cluster's key. */
export const clusterLabel = 'sim.capstan.dev/cluster';

/** One cluster's view of the API. */
export interface ClusterScope {
  /** Whether other clusters live in the same apiserver. */
  readonly shared: boolean;
  /** Labels for every object the simulator creates for the cluster. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where the sample workload lives: the `web` Deployment and the `kube-proxy` DaemonSet. */
  readonly namespaces: { readonly web: string; readonly proxy: string };
  /** The cluster's Nodes. */
  nodes(apis: KubeApis): Promise<V1Node[]>;
  /** The cluster's pods, given its Nodes. */
  pods(apis: KubeApis, nodes: readonly V1Node[]): Promise<V1Pod[]>;
  /** Whether the cluster's disruption controller keeps this budget's status. */
  ownsBudget(budget: V1PodDisruptionBudget, pods: readonly V1Pod[]): boolean;
  /** Removes the cluster's Nodes and pods once its machines are all gone (its own apiserver just stops). */
  retire(apis: KubeApis): Promise<void>;
}

const ownScope: ClusterScope = {
  shared: false,
  labels: {},
  namespaces: { web: 'default', proxy: 'kube-system' },
  nodes: async (apis) => (await apis.core.listNode()).items,
  pods: async (apis) => (await apis.core.listPodForAllNamespaces()).items,
  ownsBudget: () => true,
  retire: () => Promise.resolve(),
};

/** A DNS label naming the cluster's namespace: readable, and unique through the key. */
function namespaceOf(cluster: SimCluster): string {
  const readable = cluster.name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${readable === '' ? 'cluster' : readable}-${cluster.key.slice(0, 8)}`;
}

function sharedScope(cluster: SimCluster): ClusterScope {
  const labels = { [clusterLabel]: cluster.key };
  const namespace = namespaceOf(cluster);
  const labelled = `${clusterLabel}=${cluster.key}`;
  return {
    shared: true,
    labels,
    namespaces: { web: namespace, proxy: namespace },
    nodes: async (apis) => (await apis.core.listNode({ labelSelector: labelled })).items,
    pods: async (apis, nodes) => {
      const names = new Set(nodes.map((node) => node.metadata?.name));
      const [own, others] = await Promise.all([
        apis.core.listPodForAllNamespaces({ labelSelector: labelled }),
        apis.core.listPodForAllNamespaces({ labelSelector: `!${clusterLabel}` }),
      ]);
      return [...own.items, ...others.items.filter((pod) => names.has(pod.spec?.nodeName))];
    },
    // A budget in the cluster's namespace, or one guarding a pod of the cluster: two clusters
    // writing one budget's status from different pods would undo each other.
    // A cluster that is gone leaves no Nodes in the others' listings.
    retire: async (apis) => {
      await apis.core.deleteCollectionNode({ labelSelector: labelled });
      for (const ns of new Set([namespace, 'kube-system']))
        await apis.core.deleteCollectionNamespacedPod({ namespace: ns, labelSelector: labelled, gracePeriodSeconds: 0 });
    },
    ownsBudget: (budget, pods) =>
      budget.metadata?.namespace === namespace ||
      pods.some(
        (pod) => pod.metadata?.namespace === budget.metadata?.namespace && selectorMatches(budget.spec?.selector, pod.metadata?.labels),
      ),
  };
}

/** The scope of a cluster's agent. */
export function clusterScope(cluster: SimCluster, sharedApiserver: boolean): ClusterScope {
  return sharedApiserver ? sharedScope(cluster) : ownScope;
}
