import type { ClusterRef } from '../../api/cluster-ref.ts';
import type { EtcdSnapshotRecord, SnapshotStoreRef } from '../../api/etcd-snapshots.ts';
import { backupEtcd, type EtcdBackupDeps, type EtcdBackupInput, type EtcdBackupResult } from './backup-etcd.ts';

export interface EtcdSnapshotListInput {
  readonly cluster: ClusterRef;
  readonly store?: SnapshotStoreRef;
}

/** The etcd backup activities: snapshots stored off the worker, listed from the store alone. */
export function createEtcdBackupActivities(deps: EtcdBackupDeps) {
  return {
    /**
     * Snapshots etcd from a control plane, checks it, stores it with its record and applies
     * retention. The name is the one runs recorded before stores existed already call.
     */
    talosBackupEtcd: (input: EtcdBackupInput): Promise<EtcdBackupResult> => backupEtcd(deps, input),
    /** The cluster's snapshots as the store lists them, oldest first. */
    etcdSnapshotList: async (input: EtcdSnapshotListInput): Promise<{ records: EtcdSnapshotRecord[]; location: string }> => {
      const store = await deps.stores(input.cluster, input.store ?? { kind: 'worker-directory' });
      return { records: await store.list(), location: store.location };
    },
  };
}
