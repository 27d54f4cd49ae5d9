// The etcd backup policy a Cluster's annotations set, and each bad annotation refused by field.
import { describe, expect, it } from 'vitest';
import { describeIssue, objectsFromManifests, toDesiredCluster } from '../../../api/capi/to-desired-cluster.ts';
import { demoManifests, manifest } from './manifests.ts';

const demo = { namespace: 'default', name: 'demo' };

function mapped(annotations: Record<string, string>) {
  const documents = demoManifests();
  manifest(documents, 'Cluster', 'demo').metadata.annotations = annotations;
  return toDesiredCluster(demo, objectsFromManifests(documents));
}

describe("a Cluster's etcd backup policy", () => {
  it('defaults to a snapshot every 6 h into the worker folder, keeping 10 and a day', () => {
    const result = mapped({});
    expect(result.ok && result.desired.etcdBackup).toEqual({
      intervalSeconds: 21_600,
      keepLast: 10,
      maxAgeSeconds: 86_400,
      store: { kind: 'worker-directory' },
    });
  });

  it('reads interval, retention and the bucket Secret from the annotations', () => {
    const result = mapped({
      'capstan.dev/etcd-backup-interval': '1h30m',
      'capstan.dev/etcd-backup-keep': '3',
      'capstan.dev/etcd-backup-max-age': '168h',
      'capstan.dev/etcd-backup-secret': 'etcd-backups',
    });
    expect(result.ok && result.desired.etcdBackup).toEqual({
      intervalSeconds: 5400,
      keepLast: 3,
      maxAgeSeconds: 604_800,
      store: { kind: 's3', namespace: 'default', secretName: 'etcd-backups' },
    });
  });

  it('takes 0 as "only before control-plane changes"', () => {
    const result = mapped({ 'capstan.dev/etcd-backup-interval': '0' });
    expect(result.ok && result.desired.etcdBackup.intervalSeconds).toBe(0);
  });

  it.each([
    ['capstan.dev/etcd-backup-interval', 'daily', 'must be a duration like 6h or 30m (0 = only before changes), not daily'],
    ['capstan.dev/etcd-backup-interval', '1m', 'must be 0 or at least 5m, not 1m: every snapshot streams the whole etcd database'],
    ['capstan.dev/etcd-backup-keep', '0', 'must be a whole number of snapshots, at least 1, not 0'],
    ['capstan.dev/etcd-backup-keep', 'all', 'must be a whole number of snapshots, at least 1, not all'],
    ['capstan.dev/etcd-backup-max-age', '1 week', 'must be a duration like 24h or 168h, not 1 week'],
    ['capstan.dev/etcd-backup-secret', 'My_Secret', 'must name a Secret in namespace default, not "My_Secret"'],
  ])('refuses %s=%s, naming the field', (annotation, value, message) => {
    const result = mapped({ [annotation]: value });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map(describeIssue)).toEqual([
      `Cluster default/demo metadata.annotations[${annotation}]: ${message}`,
    ]);
  });
});
