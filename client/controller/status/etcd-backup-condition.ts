import { ConditionReason, ConditionType } from '../../../api/capi/conditions.ts';
import type { EtcdBackupCheck } from '../../../api/etcd-snapshots.ts';
import { isFalse, isTrue, type ConditionDraft } from './conditions.ts';

/** Coarse on purpose: the message changes at most once an hour, so the status is not rewritten every poll. */
function age(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 1) return 'less than an hour ago';
  return hours < 48 ? `${hours}h ago` : `${Math.floor(hours / 24)}d ago`;
}

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * EtcdBackedUp from the cluster workflow's backup schedule: True while the newest stored snapshot
 * is younger than twice the interval (its age, revision, size and store in the message); False
 * (Warning) when the last scheduled snapshot failed or the newest is stale; False with NoSnapshot
 * before the first one. Undefined until the schedule first looked (a cluster not bootstrapped yet).
 */
export function etcdBackupCondition(check: EtcdBackupCheck | undefined, nowMs: number): ConditionDraft | undefined {
  if (check === undefined) return undefined;
  const where = check.location ? ` in ${check.location}` : '';
  const last = check.last;
  const described = last
    ? `the last good snapshot ${last.id} was taken ${age(nowMs - Date.parse(last.takenAt))} (${last.takenAt}), revision ${last.revision}, ${size(last.size)}${where}`
    : undefined;
  if (check.problem !== undefined) {
    return isFalse(ConditionType.EtcdBackedUp, ConditionReason.BackupFailed, described ? `${check.problem}; ${described}` : check.problem);
  }
  if (last === undefined) {
    return isFalse(ConditionType.EtcdBackedUp, ConditionReason.NoSnapshot, `no etcd snapshot is stored yet${where}`);
  }
  const interval = check.intervalSeconds ?? 0;
  if (interval > 0 && nowMs - Date.parse(last.takenAt) > 2 * interval * 1000) {
    return isFalse(
      ConditionType.EtcdBackedUp,
      ConditionReason.SnapshotStale,
      `${described ?? ''}; the schedule asks for one every ${interval / 3600}h`,
    );
  }
  return isTrue(ConditionType.EtcdBackedUp, ConditionReason.SnapshotRecent, described);
}
