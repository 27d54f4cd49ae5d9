import type { V1Node, V1Pod } from '@kubernetes/client-node';

/** Annotation the kubelet puts on the API mirror of a static pod. */
export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** Why a pod stays on a draining node. */
export type SkipReason = 'daemonset' | 'mirror' | 'terminating-on-unreachable-node';

/**
 * How long past its deletion time (deletionTimestamp is when the grace period ends) a pod on an
 * unreachable node may linger before the drain stops waiting for it: no kubelet will ever confirm
 * it gone. Cluster API's drain waits one second in that case too.
 */
export const unreachableTerminationWaitMs = 1000;

/** `namespace/name`, how pods are named in messages. */
export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/**
 * Pods a drain leaves alone, as `kubectl drain --ignore-daemonsets` and CAPI do: DaemonSet pods
 * (the controller recreates them on the node anyway) and mirror pods (the kubelet owns them;
 * deleting the mirror deletes nothing).
 */
export function skipReason(pod: V1Pod, node?: { readonly unreachable: boolean; readonly now: Date }): SkipReason | undefined {
  if (pod.metadata?.annotations?.[mirrorPodAnnotation] !== undefined) return 'mirror';
  const deleted = pod.metadata?.deletionTimestamp;
  if (node?.unreachable && deleted !== undefined && node.now.getTime() - new Date(deleted).getTime() > unreachableTerminationWaitMs) {
    return 'terminating-on-unreachable-node';
  }
  const controller = pod.metadata?.ownerReferences?.find((owner) => owner.controller);
  if (controller?.kind === 'DaemonSet') return 'daemonset';
  return undefined;
}

/** Whether the node's kubelet stopped reporting: its Ready condition is Unknown (the node controller's verdict). */
export function isUnreachable(node: V1Node): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown';
}

/** Whether the pod is already on its way out (a previous eviction, or someone else's delete). */
export function isTerminating(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined;
}
