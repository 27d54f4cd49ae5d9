import { pausedAnnotation } from '../../api/capi/annotations.ts';
import { machineSetFinalizer } from '../../api/capi/machine-set.ts';
import { machineFinalizer } from '../../api/capi/machine.ts';
import { proxmoxMachineFinalizer } from '../../api/capi/proxmox-machine.ts';
import type { RawObject } from './raw-object.ts';

/**
 * CAPI's Cluster finalizer. Capstan replaces CAPI's controllers, so it uses CAPI's name: tools
 * and runbooks that know CAPI recognise what holds a deleting Cluster.
 */
export const clusterFinalizer = 'cluster.cluster.x-k8s.io';

/**
 * The finalizers the cluster workflow puts on its inventory and lifts once a machine's VM is gone.
 * After the workflow has finished deleting its cluster nothing else would lift them, so the
 * controller does when it deletes what is left.
 */
export const inventoryFinalizers: readonly string[] = [machineSetFinalizer, machineFinalizer, proxmoxMachineFinalizer];

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
