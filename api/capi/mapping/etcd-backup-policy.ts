import { EtcdBackupPolicy, type EtcdBackupPolicyInput } from '../../etcd-snapshots.ts';
import {
  etcdBackupIntervalAnnotation,
  etcdBackupKeepAnnotation,
  etcdBackupMaxAgeAnnotation,
  etcdBackupSecretAnnotation,
} from '../annotations.ts';
import { durationSeconds } from './duration.ts';
import type { IssueLog, ObjectKey } from './issues.ts';

/** A schedule tighter than this snapshots a busy etcd more often than it can usefully be restored. */
const minimumIntervalSeconds = 300;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The Cluster's etcd backup policy from its annotations; each bad one is logged with the field and left at its default. */
export function etcdBackupPolicy(
  annotations: Readonly<Record<string, string>> | undefined,
  clusterKey: ObjectKey,
  log: IssueLog,
): EtcdBackupPolicy {
  const error = (annotation: string, message: string): void => {
    log.errors.push({ object: clusterKey, path: `metadata.annotations[${annotation}]`, message });
  };
  const policy: EtcdBackupPolicyInput = {};
  const interval = annotations?.[etcdBackupIntervalAnnotation];
  if (interval !== undefined) {
    const seconds = durationSeconds(interval);
    if (seconds === undefined)
      error(etcdBackupIntervalAnnotation, `must be a duration like 6h or 30m (0 = only before changes), not ${interval}`);
    else if (seconds !== 0 && seconds < minimumIntervalSeconds)
      error(etcdBackupIntervalAnnotation, `must be 0 or at least 5m, not ${interval}: every snapshot streams the whole etcd database`);
    else policy.intervalSeconds = seconds;
  }
  const keep = annotations?.[etcdBackupKeepAnnotation];
  if (keep !== undefined) {
    if (!/^\d+$/.test(keep) || Number(keep) < 1)
      error(etcdBackupKeepAnnotation, `must be a whole number of snapshots, at least 1, not ${keep}`);
    else policy.keepLast = Number(keep);
  }
  const maxAge = annotations?.[etcdBackupMaxAgeAnnotation];
  if (maxAge !== undefined) {
    const seconds = durationSeconds(maxAge);
    if (seconds === undefined) error(etcdBackupMaxAgeAnnotation, `must be a duration like 24h or 168h, not ${maxAge}`);
    else policy.maxAgeSeconds = seconds;
  }
  const secret = annotations?.[etcdBackupSecretAnnotation];
  if (secret !== undefined) {
    if (!dnsSubdomain.test(secret) || secret.length > 253)
      error(etcdBackupSecretAnnotation, `must name a Secret in namespace ${clusterKey.namespace}, not ${JSON.stringify(secret)}`);
    else policy.store = { kind: 's3', namespace: clusterKey.namespace, secretName: secret };
  }
  return EtcdBackupPolicy.parse(policy);
}
