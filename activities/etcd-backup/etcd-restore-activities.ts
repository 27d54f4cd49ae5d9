import type { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import type { TalosActivityDeps } from '../talos/operations/talos-session.ts';
import { checkStoredSnapshot } from './check-stored-snapshot.ts';
import { uploadRecoverySnapshot, type UploadRecoverySnapshotInput, type UploadRecoverySnapshotResult } from './upload-recovery-snapshot.ts';
import type { StoredSnapshotRef, VerifiedSnapshotDeps } from './verified-snapshot.ts';

export type EtcdRestoreDeps = TalosActivityDeps & VerifiedSnapshotDeps;

/**
 * The restore activities that read a cluster's snapshot store. The steps on the nodes (wipe,
 * recovery bootstrap, the wait for every member) are Talos activities (talos-activities.ts).
 */
export function createEtcdRestoreActivities(deps: EtcdRestoreDeps) {
  return {
    /** Downloads the snapshot and checks etcd's trailer and its recorded SHA-256, touching no node; returns its record. */
    etcdSnapshotCheck: (input: StoredSnapshotRef): Promise<EtcdSnapshotRecord> => checkStoredSnapshot(deps, input),
    /** Downloads and checks the snapshot again, then uploads it to one control plane with EtcdRecover. */
    talosEtcdRecover: (input: UploadRecoverySnapshotInput): Promise<UploadRecoverySnapshotResult> => uploadRecoverySnapshot(deps, input),
  };
}
