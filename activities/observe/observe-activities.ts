import type { ClusterObservation, ObserveClusterInput } from '../../api/observation.ts';
import { ObjectStore } from '../inventory/objects.ts';
import { observeCluster, type ObserverDeps } from './observe-cluster.ts';

/** The field manager of everything the observer writes (Machine, ProxmoxMachine and MachineSet status). */
export const observerFieldManager = 'capstan-observer';

/** The observation activity: what every plan starts from. */
export function createObserveActivities(deps: ObserverDeps) {
  const store = new ObjectStore(deps.managementCluster, observerFieldManager);
  return {
    /**
     * One observation of the cluster (heartbeating): its Machines, ProxmoxMachines and MachineSets,
     * its VMs, addresses, Talos versions, etcd members and Nodes; records what it saw on the
     * objects' status (only what changed). Fails (retryably) only when Proxmox or the management
     * cluster cannot be read (or the cluster's Proxmox credentials Secret is unusable, for good);
     * Talos, etcd or the workload API not answering are reported.
     */
    observeCluster: (input: ObserveClusterInput): Promise<ClusterObservation> => observeCluster(deps, store, input),
  };
}
