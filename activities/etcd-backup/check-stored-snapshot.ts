import type { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import { heartbeat } from '../talos/operations/talos-session.ts';
import { withVerifiedSnapshot, type StoredSnapshotRef, type VerifiedSnapshotDeps } from './verified-snapshot.ts';

/**
 * The first step of a restore, before any node is touched: the snapshot exists, is whole (etcd's
 * trailer) and is the very file that was stored (its recorded SHA-256). Returns its record.
 * Reads only, so a retry is harmless.
 */
export function checkStoredSnapshot(deps: VerifiedSnapshotDeps, input: StoredSnapshotRef): Promise<EtcdSnapshotRecord> {
  return withVerifiedSnapshot(
    deps,
    input,
    (bytes) => {
      heartbeat({ snapshot: input.id, downloaded: bytes });
    },
    (snapshot) => Promise.resolve(snapshot.record),
  );
}
