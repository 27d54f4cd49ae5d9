import type { V1Pod } from '@kubernetes/client-node';

/** Annotation the kubelet puts on the API mirror of a static pod. */
export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** Why a pod stays on a draining node. */
export type SkipReason = 'daemonset' | 'mirror';

/** `namespace/name`, how pods are named in messages. */
export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/**
 * Pods a drain leaves alone, as `kubectl drain --ignore-daemonsets` and CAPI do: DaemonSet pods
 * (the controller recreates them on the node anyway) and mirror pods (the kubelet owns them;
 * deleting the mirror deletes nothing).
 */
export function skipReason(pod: V1Pod): SkipReason | undefined {
  if (pod.metadata?.annotations?.[mirrorPodAnnotation] !== undefined) return 'mirror';
  const controller = pod.metadata?.ownerReferences?.find((owner) => owner.controller);
  if (controller?.kind === 'DaemonSet') return 'daemonset';
  return undefined;
}

/** Whether the pod is already on its way out (a previous eviction, or someone else's delete). */
export function isTerminating(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined;
}
