import { describe, expect, it } from 'vitest';
import type { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import { planRetention } from '../../plan/etcd-retention.ts';

const now = Date.parse('2026-12-05T12:00:00Z');
const hoursAgo = (hours: number, reason: EtcdSnapshotRecord['reason'] = 'scheduled'): EtcdSnapshotRecord => {
  const takenAt = new Date(now - hours * 3600_000).toISOString();
  return { id: `snap-${hours}h`, takenAt, revision: 1000 - hours, size: 4128, sha256: 'a'.repeat(64), reason, takenBy: 'schedule' };
};
const ids = (records: readonly EtcdSnapshotRecord[]) => records.map((r) => r.id);

describe('etcd snapshot retention', () => {
  it('keeps the newest N and everything younger than the maximum age, and removes the rest', () => {
    const all = [48, 1, 30, 6, 12, 72, 26].map((h) => hoursAgo(h));
    const verdict = planRetention(all, { keepLast: 3, maxAgeSeconds: 24 * 3600 }, now);
    expect(ids(verdict.keep)).toEqual(['snap-1h', 'snap-6h', 'snap-12h']);
    expect(ids(verdict.remove)).toEqual(['snap-26h', 'snap-30h', 'snap-48h', 'snap-72h']);
  });

  it('keeps young snapshots beyond N', () => {
    const all = [1, 2, 3, 4, 5, 30].map((h) => hoursAgo(h));
    const verdict = planRetention(all, { keepLast: 2, maxAgeSeconds: 4.5 * 3600 }, now);
    expect(ids(verdict.keep)).toEqual(['snap-1h', 'snap-2h', 'snap-3h', 'snap-4h']);
    expect(ids(verdict.remove)).toEqual(['snap-5h', 'snap-30h']);
  });

  it('keeps the newest N however old they are', () => {
    const all = [100, 200, 300].map((h) => hoursAgo(h));
    const verdict = planRetention(all, { keepLast: 2, maxAgeSeconds: 0 }, now);
    expect(ids(verdict.keep)).toEqual(['snap-100h', 'snap-200h']);
    expect(ids(verdict.remove)).toEqual(['snap-300h']);
  });

  it('treats snapshots taken before a change like any other (the operation that took it does not matter)', () => {
    const all = [hoursAgo(50, 'before-change'), hoursAgo(2), hoursAgo(60, 'manual')];
    expect(ids(planRetention(all, { keepLast: 1, maxAgeSeconds: 3600 }, now).remove)).toEqual(['snap-50h', 'snap-60h']);
  });

  it('never removes a snapshot whose time it cannot read', () => {
    const odd = { ...hoursAgo(500), id: 'odd', takenAt: 'yesterday' };
    const verdict = planRetention([odd, hoursAgo(400), hoursAgo(1)], { keepLast: 1, maxAgeSeconds: 0 }, now);
    expect(ids(verdict.keep).sort()).toEqual(['odd', 'snap-1h']);
    expect(ids(verdict.remove)).toEqual(['snap-400h']);
  });

  it('keeps nothing to remove on an empty store', () => {
    expect(planRetention([], { keepLast: 3, maxAgeSeconds: 0 }, now)).toEqual({ keep: [], remove: [] });
  });
});
