// Which store a cluster's snapshots go to: its policy's Secret, read from a real management
// kube-apiserver at every call, names a bucket on a real S3-compatible server; a missing or
// malformed Secret is a permanent failure naming the Secret and its keys, never their values.
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import { SnapshotStoreSecretKey as Key, type SnapshotStoreRef } from '../../../api/etcd-snapshots.ts';
import { snapshotStores, type SnapshotStores } from '../../../activities/etcd-backup/snapshot-stores.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { startSeaweedfs, type Seaweedfs } from '../../../embedded/servers/seaweedfs.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { freshOwner, readAll, snapshotFile } from './snapshot-store-contract.ts';

const ns = 'default';
const bucket = 'cluster-backups';
const dir = makeTempDir('snapshot-stores');
let management: ManagementCluster;
let core: CoreV1Api;
let seaweedfs: Seaweedfs;
let stores: SnapshotStores;

async function writeSecret(name: string, data: Record<string, string>): Promise<void> {
  const body = { metadata: { name, namespace: ns }, stringData: data };
  try {
    await core.replaceNamespacedSecret({ name, namespace: ns, body });
  } catch {
    await core.createNamespacedSecret({ namespace: ns, body });
  }
}
const ref = (secretName: string): SnapshotStoreRef => ({ kind: 's3', namespace: ns, secretName });
const goodSecret = (): Record<string, string> => ({
  [Key.bucket]: bucket,
  [Key.prefix]: 'prod',
  [Key.endpoint]: seaweedfs.endpoint,
  [Key.accessKeyId]: seaweedfs.accessKeyId,
  [Key.secretAccessKey]: seaweedfs.secretAccessKey,
  [Key.serverSideEncryption]: 'AES256',
  [Key.caBundle]: seaweedfs.caPem ?? '',
});

beforeAll(async () => {
  [management, seaweedfs] = await Promise.all([
    startManagementCluster({ dataDir: join(dir.path, 'management'), ephemeral: true }),
    startSeaweedfs({ logFile: join(dir.path, 'seaweedfs.log') }),
  ]);
  core = management.kubeConfig.makeApiClient(CoreV1Api);
  const admin = seaweedfs.client();
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  stores = snapshotStores({ directory: join(dir.path, 'worker-snapshots'), managementCluster: management.kubeConfig });
});
afterAll(async () => {
  await Promise.all([management.stop(), seaweedfs.stop()]);
  dir.remove();
});

describe('the snapshot store of a cluster', () => {
  it("is the bucket its Secret names, with the Secret's prefix, CA, credentials and encryption", async () => {
    await writeSecret('backups', goodSecret());
    const owner = freshOwner();
    const store = await stores.forCluster(owner, ref('backups'));
    expect(store.location).toBe(`s3://${bucket}/prod/${ns}/${owner.name}`);
    const snapshot = snapshotFile(dir.path, 15);
    await store.put(snapshot.record, snapshot.path);
    expect(await store.list()).toEqual([snapshot.record]);
    expect((await readAll(await store.get(snapshot.record.id))).equals(snapshot.bytes)).toBe(true);
    const admin = seaweedfs.client();
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `prod/${ns}/${owner.name}/${snapshot.record.id}.db` }));
    admin.destroy();
    expect(head.ServerSideEncryption).toBe('AES256');
  });

  it('follows a changed Secret at the next call', async () => {
    await writeSecret('rotating', goodSecret());
    const owner = freshOwner();
    const snapshot = snapshotFile(dir.path, 16);
    await (await stores.forCluster(owner, ref('rotating'))).put(snapshot.record, snapshot.path);
    await writeSecret('rotating', { ...goodSecret(), [Key.prefix]: 'elsewhere' });
    const moved = await stores.forCluster(owner, ref('rotating'));
    expect(moved.location).toBe(`s3://${bucket}/elsewhere/${ns}/${owner.name}`);
    expect(await moved.list()).toEqual([]);
  });

  it("is the worker's folder when the policy names no bucket", async () => {
    const owner = freshOwner('tenant-a');
    const store = await stores.forCluster(owner, { kind: 'worker-directory' });
    expect(store.location).toBe(join(dir.path, 'worker-snapshots', 'tenant-a', owner.name));
  });

  it('fails with SnapshotStoreInvalid when the Secret does not exist', async () => {
    const error = await stores.forCluster(freshOwner(), ref('no-such-secret')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreInvalid, nonRetryable: true });
    expect((error as Error).message).toContain(`Secret ${ns}/no-such-secret (the cluster's etcd snapshot store) does not exist`);
  });

  it('fails with SnapshotStoreInvalid naming every bad key, and no value', async () => {
    await writeSecret('malformed', {
      [Key.endpoint]: 'minio.lan:9000',
      [Key.accessKeyId]: 'AKIAEXAMPLE',
      [Key.serverSideEncryption]: 'yes',
    });
    const error = await stores.forCluster(freshOwner(), ref('malformed')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreInvalid, nonRetryable: true });
    const { message } = error as Error;
    expect(message).toContain(`Secret ${ns}/malformed (the cluster's etcd snapshot store) cannot be used`);
    for (const key of [Key.bucket, Key.endpoint, Key.serverSideEncryption]) expect(message).toContain(`key "${key}"`);
    expect(message).not.toContain('AKIAEXAMPLE');
  });

  it('fails with SnapshotStoreInvalid when ca.crt looks like PEM but holds no certificate', async () => {
    await writeSecret('bad-ca', {
      ...goodSecret(),
      [Key.caBundle]: '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n',
    });
    await expect(stores.forCluster(freshOwner(), ref('bad-ca'))).rejects.toMatchObject({
      type: ErrorType.SnapshotStoreInvalid,
      message: expect.stringContaining('key "ca.crt" is not a PEM certificate') as unknown,
    });
  });

  it('fails with SnapshotStoreInvalid when the worker has no management cluster to read the Secret from', async () => {
    const alone = snapshotStores({ directory: join(dir.path, 'alone') });
    await expect(alone.forCluster(freshOwner(), ref('backups'))).rejects.toMatchObject({
      type: ErrorType.SnapshotStoreInvalid,
      nonRetryable: true,
    });
  });
});
