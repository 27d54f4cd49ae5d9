// Removing a machine from the inventory, in two steps as CAPI does: the Machine is deleted first
// (its finalizer keeps it, marked with a deletionTimestamp, while its VM is taken down), and only
// after the VM is gone are the finalizers lifted and the objects removed.
import { clusterNameLabel } from '../../api/capi/annotations.ts';
import { machineSetNameLabel } from '../../api/capi/machine-set.ts';
import { machineFinalizer } from '../../api/capi/machine.ts';
import { proxmoxMachineFinalizer } from '../../api/capi/proxmox-machine.ts';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import { pruneMachineSets, releaseMachineSet, syncMachineSetReplicas } from './machine-sets.ts';
import type { ObjectStore } from './objects.ts';

/** What a release removed. */
export interface ReleaseResult {
  readonly machines: number;
  readonly proxmoxMachines: number;
  readonly machineSets: number;
}

/**
 * Deletes the Machine; its finalizer keeps it (with a deletionTimestamp) until `release`, so any
 * observation meanwhile sees the machine is going. False when there is no such Machine.
 */
export async function requestDelete(store: ObjectStore, cluster: ClusterRef, machine: string): Promise<{ readonly requested: boolean }> {
  const object = await store.get('Machine', cluster.namespace, machine);
  if (!object) return { requested: false };
  if (object.metadata.deletionTimestamp === undefined) await store.delete('Machine', cluster.namespace, machine);
  const set = object.metadata.labels?.[machineSetNameLabel];
  if (set !== undefined) await syncMachineSetReplicas(store, cluster.namespace, cluster.name, set);
  return { requested: true };
}

/**
 * After the machine's VM is gone: lifts the finalizers of its ProxmoxMachine and Machine and
 * deletes both (either may be gone already), then removes MachineSets left empty that are not
 * their deployment's newest revision.
 */
export async function release(store: ObjectStore, cluster: ClusterRef, machine: string): Promise<ReleaseResult> {
  const { namespace } = cluster;
  const object = await store.get('Machine', namespace, machine);
  const proxmoxMachines = (await releaseObject(store, 'ProxmoxMachine', namespace, machine, proxmoxMachineFinalizer)) ? 1 : 0;
  const machines = (await releaseObject(store, 'Machine', namespace, machine, machineFinalizer)) ? 1 : 0;
  const set = object?.metadata.labels?.[machineSetNameLabel];
  if (set !== undefined) await syncMachineSetReplicas(store, namespace, cluster.name, set);
  const pruned = await pruneMachineSets(store, namespace, cluster.name);
  return { machines, proxmoxMachines, machineSets: pruned.length };
}

/** For a cluster delete, once every VM is gone: every ProxmoxMachine, Machine and MachineSet of the cluster. */
export async function releaseAll(store: ObjectStore, cluster: ClusterRef): Promise<ReleaseResult> {
  const { namespace } = cluster;
  const selector = `${clusterNameLabel}=${cluster.name}`;
  let proxmoxMachines = 0;
  for (const pm of await store.list('ProxmoxMachine', namespace, selector)) {
    if (await releaseObject(store, 'ProxmoxMachine', namespace, pm.metadata.name, proxmoxMachineFinalizer)) proxmoxMachines += 1;
  }
  let machines = 0;
  for (const m of await store.list('Machine', namespace, selector)) {
    if (await releaseObject(store, 'Machine', namespace, m.metadata.name, machineFinalizer)) machines += 1;
  }
  let machineSets = 0;
  for (const ms of await store.list('MachineSet', namespace, selector)) {
    await releaseMachineSet(store, namespace, ms.metadata.name);
    machineSets += 1;
  }
  return { machines, proxmoxMachines, machineSets };
}

// Deletes (a finalizer keeps it meanwhile) and lifts our finalizer; true when the object existed.
async function releaseObject(
  store: ObjectStore,
  kind: 'Machine' | 'ProxmoxMachine',
  namespace: string,
  name: string,
  finalizer: string,
): Promise<boolean> {
  const deleted = await store.delete(kind, namespace, name);
  const lifted = await store.removeFinalizer(kind, namespace, name, finalizer);
  return deleted || lifted;
}
