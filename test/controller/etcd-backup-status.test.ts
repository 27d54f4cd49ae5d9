// What a Cluster's status and Events say about its etcd backups and a quorum lost for good.
import { describe, expect, it } from 'vitest';
import type { EtcdBackupCheck, EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import { progressEvents } from '../../client/controller/events/progress-events.ts';
import { clusterStatus } from '../../client/controller/status/cluster-status.ts';
import { etcdBackupCondition } from '../../client/controller/status/etcd-backup-condition.ts';
import { facts, idleProgress } from './progress-builders.ts';

const now = Date.parse('2026-12-05T18:00:00Z');
const snapshot = (takenAt: string): EtcdSnapshotRecord => ({
  id: '20261205T150000Z-r812-scheduled',
  takenAt,
  revision: 812,
  size: 3 * 1024 * 1024 + 512 * 1024,
  sha256: 'a'.repeat(64),
  reason: 'scheduled',
  takenBy: 'schedule',
});
const check = (over: Partial<EtcdBackupCheck>): EtcdBackupCheck => ({
  location: 's3://backups/capstan/default/demo',
  intervalSeconds: 21_600,
  ...over,
});

describe('EtcdBackedUp', () => {
  it('is True with the last good snapshot, its age, revision, size and store', () => {
    expect(etcdBackupCondition(check({ last: snapshot('2026-12-05T15:00:00Z') }), now)).toEqual({
      type: 'EtcdBackedUp',
      status: 'True',
      reason: 'SnapshotRecent',
      message:
        'the last good snapshot 20261205T150000Z-r812-scheduled was taken 3h ago (2026-12-05T15:00:00Z), revision 812, 3.5 MiB in s3://backups/capstan/default/demo',
    });
  });

  it('is False SnapshotStale once the newest is older than twice the interval', () => {
    const stale = etcdBackupCondition(check({ last: snapshot('2026-12-05T03:00:00Z') }), now);
    expect(stale).toMatchObject({ status: 'False', reason: 'SnapshotStale' });
    expect(stale?.message).toMatch(/was taken 15h ago .*; the schedule asks for one every 6h$/);
  });

  it('is False BackupFailed with the failure and the last good snapshot', () => {
    const failed = etcdBackupCondition(
      check({ last: snapshot('2026-12-05T15:00:00Z'), problem: 'the scheduled etcd snapshot failed: bucket capstan does not exist' }),
      now,
    );
    expect(failed).toMatchObject({ status: 'False', reason: 'BackupFailed' });
    expect(failed?.message).toMatch(/^the scheduled etcd snapshot failed: bucket capstan does not exist; the last good snapshot /);
  });

  it('is False NoSnapshot before the first, and absent before the schedule looked', () => {
    expect(etcdBackupCondition(check({}), now)).toMatchObject({ status: 'False', reason: 'NoSnapshot' });
    expect(etcdBackupCondition(undefined, now)).toBeUndefined();
  });

  it('is on the Cluster, with a Warning Event once when a scheduled snapshot starts failing', () => {
    const good = idleProgress({ etcdBackup: check({ last: snapshot('2026-12-05T15:00:00Z') }) });
    const failing = idleProgress({
      etcdBackup: check({ last: snapshot('2026-12-05T15:00:00Z'), problem: 'the scheduled etcd snapshot failed: x' }),
    });
    expect(clusterStatus(facts(good), undefined, now).conditions.find((c) => c.type === 'EtcdBackedUp')?.status).toBe('True');
    const ref = { namespace: 'default', name: 'demo' };
    expect(progressEvents(good, failing, ref)).toContainEqual({
      type: 'Warning',
      reason: 'BackupFailed',
      message: 'the scheduled etcd snapshot failed: x',
    });
    expect(progressEvents(failing, failing, ref).filter((e) => e.reason === 'BackupFailed')).toEqual([]);
  });
});

describe('etcd quorum lost for good', () => {
  const lost = 'etcd lost its quorum for good: no control plane runs an etcd member (…); capstan etcd restore demo';
  it('makes ControlPlaneAvailable False EtcdQuorumLost with the way back, and Ready False', () => {
    const status = clusterStatus(facts(idleProgress({ etcdQuorumLost: lost })), undefined, now);
    expect(status.conditions.find((c) => c.type === 'ControlPlaneAvailable')).toEqual({
      type: 'ControlPlaneAvailable',
      status: 'False',
      reason: 'EtcdQuorumLost',
      message: lost,
    });
  });

  it('raises one Warning Event when it is first seen', () => {
    const ref = { namespace: 'default', name: 'demo' };
    const before = idleProgress();
    const after = idleProgress({ etcdQuorumLost: lost });
    expect(progressEvents(before, after, ref)).toContainEqual({ type: 'Warning', reason: 'EtcdQuorumLost', message: lost });
    expect(progressEvents(after, after, ref).filter((e) => e.reason === 'EtcdQuorumLost')).toEqual([]);
  });
});
