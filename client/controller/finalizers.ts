import { pausedAnnotation } from '../../api/capi/annotations.ts';
import type { RawObject } from './raw-object.ts';

/**
 * CAPI's Cluster finalizer. Capstan replaces CAPI's controllers, so it uses CAPI's name: tools
 * and runbooks that know CAPI recognise what holds a deleting Cluster.
 */
export const clusterFinalizer = 'cluster.cluster.x-k8s.io';

/** Whether an object carries a finalizer. */
export function hasFinalizer(object: RawObject, finalizer: string): boolean {
  return object.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** Whether an object is being deleted. */
export function isDeleting(object: RawObject): boolean {
  return object.metadata?.deletionTimestamp !== undefined;
}

/** CAPI's pause: `spec.paused: true` or the `cluster.x-k8s.io/paused` annotation (any value). */
export function isPaused(cluster: RawObject): boolean {
  return (
    (cluster.spec as { paused?: unknown } | undefined)?.paused === true || cluster.metadata?.annotations?.[pausedAnnotation] !== undefined
  );
}
