import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import type { HealthCheckResult } from '../../api/health-check.ts';
import type { MachineIntent, VmRecord } from '../../api/inventory.ts';
import { EventWriter, type InventoryEvent } from './events.ts';
import { ObjectStore } from './objects.ts';
import { recordHealthChecks, type RecordHealthChecksResult } from './record-health-checks.ts';
import { recordVersions, recordVm, type MachineVersions } from './record-facts.ts';
import { recordIntent, type RecordIntentResult } from './record-intent.ts';
import { release, releaseAll, requestDelete, type ReleaseResult } from './release.ts';

/** The field manager of the inventory's writes (intent, VM records, versions, deletion). */
export const inventoryFieldManager = 'capstan-inventory';
/** The field manager of the health checks' conditions and MachineHealthCheck status. */
export const healthFieldManager = 'capstan-health';

/**
 * The inventory in the management cluster, shaped as CAPI keeps it (MachineSet → Machine →
 * ProxmoxMachine), written by the workflows at the moments CAPI's controllers would: the intent
 * before the VM is cloned, the VM once it exists, removal only after it is gone. Every activity is
 * idempotent; every Kubernetes error reaches the workflow as a typed failure with a sentence.
 */
export function createInventoryActivities(managementCluster: KubeConfig) {
  const store = new ObjectStore(managementCluster, inventoryFieldManager);
  const health = new ObjectStore(managementCluster, healthFieldManager);
  const events = new EventWriter(managementCluster, store);
  return {
    /** Records a machine's intent (MachineSet for workers, Machine, ProxmoxMachine) before its VM is cloned. */
    inventoryRecordIntent: (intent: MachineIntent): Promise<RecordIntentResult> => recordIntent(store, intent),
    /** Records the cloned VM (VMID, node, providerID) on the ProxmoxMachine and the Machine. */
    inventoryRecordVm: (record: VmRecord): Promise<{ readonly recorded: boolean }> => recordVm(store, record),
    /** Records the versions a machine runs after an in-place upgrade. */
    inventoryRecordVersions: (cluster: ClusterRef, machine: string, versions: MachineVersions): Promise<{ readonly recorded: boolean }> =>
      recordVersions(store, cluster, machine, versions),
    /** Deletes the Machine; its finalizer keeps it, marked as being deleted, until `inventoryRelease`. */
    inventoryRequestDelete: (cluster: ClusterRef, machine: string): Promise<{ readonly requested: boolean }> =>
      requestDelete(store, cluster, machine),
    /** After the machine's VM is gone: removes its ProxmoxMachine and Machine (and an old, empty MachineSet). */
    inventoryRelease: (cluster: ClusterRef, machine: string): Promise<ReleaseResult> => release(store, cluster, machine),
    /** For a cluster delete, after every VM is gone: removes all of the cluster's inventory. */
    inventoryReleaseAll: (cluster: ClusterRef): Promise<ReleaseResult> => releaseAll(store, cluster),
    /** An Event on one of the cluster's objects; a repeat within 10 minutes counts up. */
    inventoryRecordEvent: (cluster: ClusterRef, event: InventoryEvent): Promise<{ readonly name: string; readonly count: number }> =>
      events.record(cluster, event),
    /** Writes the health checks' verdicts: Machine conditions, MachineHealthCheck status, Events; only what changed. */
    recordHealthChecks: (cluster: ClusterRef, results: readonly HealthCheckResult[]): Promise<RecordHealthChecksResult> =>
      recordHealthChecks(health, events, cluster, results),
  };
}
