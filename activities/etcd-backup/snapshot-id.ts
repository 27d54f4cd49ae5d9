import type { SnapshotReason } from '../../api/etcd-snapshots.ts';

/**
 * A snapshot's id: its time (to the second, so ids sort by age), its revision, and who took it,
 * made safe for an object key or a file name: `20261205T150102Z-r812-scheduled`.
 */
export function snapshotId(takenAt: Date, revision: number, reason: SnapshotReason, takenBy: string): string {
  const time = takenAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const by = reason === 'scheduled' ? 'scheduled' : takenBy.replace(/^cluster\/[^/]+\/[^/]+\//, '');
  const label = by.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return `${time}-r${revision}-${label || reason}`;
}
