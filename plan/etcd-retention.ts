// Which stored etcd snapshots to delete. Pure: the listing and the clock come in, ids go out.
import type { EtcdBackupPolicy, EtcdSnapshotRecord } from '../api/etcd-snapshots.ts';

export interface RetentionVerdict {
  readonly keep: readonly EtcdSnapshotRecord[];
  readonly remove: readonly EtcdSnapshotRecord[];
}

/**
 * Keeps the newest `keepLast` snapshots and, besides them, every snapshot younger than
 * `maxAgeSeconds`; the rest go. The newest snapshot is never removed, whatever the policy, so a
 * cluster whose schedule stopped still has its last good copy. A record whose time does not parse
 * is kept: retention deletes only what it can prove old.
 */
export function planRetention(
  snapshots: readonly EtcdSnapshotRecord[],
  policy: Pick<EtcdBackupPolicy, 'keepLast' | 'maxAgeSeconds'>,
  nowMs: number,
): RetentionVerdict {
  const unreadable = snapshots.filter((s) => Number.isNaN(Date.parse(s.takenAt)));
  const newestFirst = snapshots
    .filter((s) => !unreadable.includes(s))
    .sort((a, b) => Date.parse(b.takenAt) - Date.parse(a.takenAt) || b.id.localeCompare(a.id));
  const keep: EtcdSnapshotRecord[] = [];
  const remove: EtcdSnapshotRecord[] = [];
  newestFirst.forEach((snapshot, index) => {
    const young = nowMs - Date.parse(snapshot.takenAt) < policy.maxAgeSeconds * 1000;
    if (index < Math.max(1, policy.keepLast) || young) keep.push(snapshot);
    else remove.push(snapshot);
  });
  return { keep: [...keep, ...unreadable], remove };
}
