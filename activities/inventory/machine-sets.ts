// MachineSets follow their Machines: spec.replicas counts the Machines Capstan intends to keep, and
// an old revision is removed once its last Machine is gone (CAPI keeps the newest even when empty).
import { clusterNameLabel, deploymentNameLabel } from '../../api/capi/annotations.ts';
import { machineSetFinalizer, machineSetNameLabel, machineSetRevisionAnnotation } from '../../api/capi/machine-set.ts';
import { Conflict, type KubeObject, type ObjectStore } from './objects.ts';

/** Sets the MachineSet's spec.replicas to its Machines that are not being deleted. */
export async function syncMachineSetReplicas(store: ObjectStore, namespace: string, cluster: string, set: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const object = await store.get('MachineSet', namespace, set);
    if (!object || object.metadata.deletionTimestamp !== undefined) return;
    const machines = await store.list('Machine', namespace, `${clusterNameLabel}=${cluster},${machineSetNameLabel}=${set}`);
    const replicas = machines.filter((m) => m.metadata.deletionTimestamp === undefined).length;
    if (object.spec?.['replicas'] === replicas) return;
    try {
      await store.patch('MachineSet', object, { spec: { replicas } });
      return;
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= 5) throw error;
    }
  }
}

/** Releases a MachineSet: its finalizer off, then deleted. */
export async function releaseMachineSet(store: ObjectStore, namespace: string, name: string): Promise<void> {
  await store.removeFinalizer('MachineSet', namespace, name, machineSetFinalizer);
  await store.delete('MachineSet', namespace, name);
}

/**
 * Removes the cluster's MachineSets that have no Machines left and are not their deployment's
 * newest revision; returns their names. Looks at every set, so a retry after a lost reply (or a
 * release whose Machine is gone already) still cleans up.
 */
export async function pruneMachineSets(store: ObjectStore, namespace: string, cluster: string): Promise<string[]> {
  const sets = await store.list('MachineSet', namespace, `${clusterNameLabel}=${cluster}`);
  if (sets.length === 0) return [];
  const machines = await store.list('Machine', namespace, `${clusterNameLabel}=${cluster}`);
  const used = new Set(machines.map((m) => m.metadata.labels?.[machineSetNameLabel]));
  const newest = new Map<string, number>();
  for (const set of sets) {
    const deployment = set.metadata.labels?.[deploymentNameLabel] ?? '';
    newest.set(deployment, Math.max(newest.get(deployment) ?? 0, revisionOf(set)));
  }
  const pruned: string[] = [];
  for (const set of sets) {
    const deployment = set.metadata.labels?.[deploymentNameLabel] ?? '';
    if (used.has(set.metadata.name) || revisionOf(set) >= (newest.get(deployment) ?? 0)) continue;
    await releaseMachineSet(store, namespace, set.metadata.name);
    pruned.push(set.metadata.name);
  }
  return pruned;
}

/** A MachineSet's revision annotation as a number (0 when absent or malformed). */
export function revisionOf(set: KubeObject): number {
  const value = Number(set.metadata.annotations?.[machineSetRevisionAnnotation]);
  return Number.isInteger(value) && value > 0 ? value : 0;
}
