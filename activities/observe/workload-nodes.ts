// The workload cluster's Nodes, through its admin kubeconfig, within a short deadline. An API that
// does not answer says nothing about the Nodes: they are unknown, never gone.
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import type { ConditionStatus, NodeObservation } from '../../api/observation.ts';

/** What asking the workload cluster found. */
export type WorkloadNodes =
  | { readonly api: 'none' }
  | { readonly api: 'unreachable'; readonly problem: string }
  | { readonly api: 'reachable'; readonly nodes: ReadonlyMap<string, V1Node> };

/** Lists the Nodes with the kubeconfig's credentials; `none` without a kubeconfig. */
export async function readWorkloadNodes(kubeconfig: string | undefined, timeoutMs: number): Promise<WorkloadNodes> {
  if (kubeconfig === undefined) return { api: 'none' };
  const config = new KubeConfig();
  try {
    config.loadFromString(kubeconfig);
  } catch (error) {
    return { api: 'unreachable', problem: `the kubeconfig does not parse: ${(error as Error).message}` };
  }
  const listing = config.makeApiClient(CoreV1Api).listNode();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const list = await Promise.race([listing, deadline]);
    return { api: 'reachable', nodes: new Map(list.items.map((node) => [node.metadata?.name ?? '', node])) };
  } catch (error) {
    listing.catch(() => undefined); // a late failure of the abandoned request is of no interest
    return { api: 'unreachable', problem: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const statuses: readonly string[] = ['True', 'False', 'Unknown'];
const asStatus = (value: string | undefined): ConditionStatus =>
  value && statuses.includes(value) ? (value as ConditionStatus) : 'Unknown';

/** A Node as an observation keeps it: compact, no objects. */
export function nodeObservation(node: V1Node): NodeObservation {
  const conditions = (node.status?.conditions ?? []).map((c) => ({
    type: c.type,
    status: asStatus(c.status),
    lastTransitionTime: c.lastTransitionTime ? new Date(c.lastTransitionTime).toISOString() : '',
    ...(c.reason ? { reason: c.reason } : {}),
  }));
  return {
    ready: conditions.find((c) => c.type === 'Ready')?.status ?? 'Unknown',
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? '',
    ...(node.spec?.providerID ? { providerID: node.spec.providerID } : {}),
    unschedulable: node.spec?.unschedulable ?? false,
    conditions,
  };
}
