import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { classifiedKubernetes } from './kubernetes-errors.ts';
import type { SecretStore } from './secret-store.ts';
import { kubeconfigSecret } from '../../api/cluster-secrets.ts';
import type { ClusterRef } from '../../api/cluster-ref.ts';

/** A Node by name (Capstan names nodes after machines) or by a label selector matching one node. */
export type NodeSelector = { readonly name: string } | { readonly labelSelector: string };

/** Which node of which workload cluster. */
export interface WorkloadNodeInput {
  readonly cluster: ClusterRef;
  readonly node: NodeSelector;
}

/** The workload cluster's core API, built from its `<cluster>-kubeconfig` Secret. */
export async function workloadCoreApi(secrets: SecretStore, cluster: ClusterRef): Promise<CoreV1Api> {
  const ref = kubeconfigSecret(cluster);
  const text = await secrets.read(ref);
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(text);
  } catch (error) {
    throw failure(
      ErrorType.KubernetesInvalidRequest,
      `Secret ${ref.namespace}/${ref.name} holds no valid kubeconfig: ${(error as Error).message}`,
    );
  }
  return kubeConfig.makeApiClient(CoreV1Api);
}

/** How a selector reads in messages. */
export function describeNode(selector: NodeSelector): string {
  return 'name' in selector ? `node ${selector.name}` : `node with labels ${selector.labelSelector}`;
}

/** The selected Node, or undefined when none exists (yet); several matches are an error. */
export async function findNode(core: CoreV1Api, selector: NodeSelector): Promise<V1Node | undefined> {
  const what = describeNode(selector);
  const list = await classifiedKubernetes(`finding ${what}`, () =>
    'name' in selector
      ? core.listNode({ fieldSelector: `metadata.name=${selector.name}` })
      : core.listNode({ labelSelector: selector.labelSelector }),
  );
  if (list.items.length > 1) {
    const names = list.items.map((node) => node.metadata?.name ?? '?').join(', ');
    throw failure(ErrorType.KubernetesInvalidRequest, `${what} is ambiguous: ${names}`);
  }
  return list.items[0];
}

/** The selected Node's name, or undefined when no node matches (a name is taken as given). */
export async function requireNodeName(core: CoreV1Api, selector: NodeSelector): Promise<string | undefined> {
  if ('name' in selector) return selector.name;
  return (await findNode(core, selector))?.metadata?.name;
}
