// The S3 snapshot store against a real S3-compatible server (SeaweedFS over HTTPS with a CA of
// its own, as the Secret's ca.crt gives it): the store contract, the object layout and metadata,
// server-side encryption, and each way a bucket's settings can be wrong, as typed failures whose
// messages name the bucket, the endpoint and the Secret but never a credential.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import type { SnapshotStoreSettings } from '../../../api/snapshot-store-settings.ts';
import { createS3Client, createS3SnapshotStore } from '../../../activities/etcd-backup/s3-snapshot-store.ts';
import type { SnapshotOwner } from '../../../activities/etcd-backup/snapshot-layout.ts';
import { createLoopbackTls } from '../../../embedded/servers/loopback-tls.ts';
import { startSeaweedfs, type Seaweedfs } from '../../../embedded/servers/seaweedfs.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { freshOwner, readAll, snapshotFile, snapshotStoreContract } from './snapshot-store-contract.ts';

const dir = makeTempDir('s3-snapshot-store');
const secret = 'Secret default/etcd-backups';
const bucket = 'etcd-snapshots';
let seaweedfs: Seaweedfs;
let admin: S3Client;

beforeAll(async () => {
  seaweedfs = await startSeaweedfs({ logFile: `${dir.path}/seaweedfs.log` });
  admin = seaweedfs.client();
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  admin.destroy();
  await seaweedfs.stop();
  dir.remove();
});

/** The settings a good Secret gives for the test server, with changes. */
function settings(changes: Partial<SnapshotStoreSettings> = {}): SnapshotStoreSettings {
  return {
    bucket,
    prefix: 'capstan',
    region: seaweedfs.region,
    endpoint: seaweedfs.endpoint,
    accessKeyId: seaweedfs.accessKeyId,
    secretAccessKey: seaweedfs.secretAccessKey,
    serverSideEncryption: 'AES256',
    caBundle: seaweedfs.caPem,
    ...changes,
  };
}

const storeFor = (owner: SnapshotOwner, changes: Partial<SnapshotStoreSettings> = {}, timeoutMs?: number) => {
  const changed = settings(changes);
  return createS3SnapshotStore({ settings: changed, owner, secret, client: createS3Client(changed, timeoutMs) });
};

describe('the S3 snapshot store', () => {
  snapshotStoreContract(
    (owner) => storeFor(owner),
    () => dir.path,
  );

  it('stores <prefix>/<namespace>/<cluster>/<id>.db with the record in user metadata, encrypted with SSE-S3', async () => {
    const owner = freshOwner('tenant-a');
    const store = storeFor(owner);
    const snapshot = snapshotFile(dir.path, 7, 4096, { takenBy: 'Zoë <zoe@example.com>' });
    await store.put(snapshot.record, snapshot.path);
    const key = `capstan/tenant-a/${owner.name}/${snapshot.record.id}.db`;
    expect(store.location).toBe(`s3://${bucket}/capstan/tenant-a/${owner.name}`);

    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.ContentLength).toBe(4096);
    expect(head.Metadata).toMatchObject({
      'capstan-taken-at': snapshot.record.takenAt,
      'capstan-revision': String(snapshot.record.revision),
      'capstan-sha256': snapshot.record.sha256,
      'capstan-reason': 'scheduled',
    });
    // Free text survives the trip through HTTP headers.
    expect(await store.list()).toEqual([snapshot.record]);
  });

  it('keeps prefixes apart in one bucket, and the empty prefix puts clusters at the top', async () => {
    const owner = freshOwner();
    const snapshot = snapshotFile(dir.path, 3);
    await storeFor(owner, { prefix: 'site-a' }).put(snapshot.record, snapshot.path);
    await storeFor(owner, { prefix: '' }).put(snapshot.record, snapshot.path);
    expect(await storeFor(owner, { prefix: 'site-b' }).list()).toEqual([]);
    expect(await storeFor(owner, { prefix: 'site-a' }).list()).toEqual([snapshot.record]);
    const top = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `default/${owner.name}/` }));
    expect(top.Contents?.map((object) => object.Key)).toEqual([`default/${owner.name}/${snapshot.record.id}.db`]);
  });

  it('lists only what Capstan stored: a stray file in the folder is no snapshot', async () => {
    const owner = freshOwner();
    const store = storeFor(owner);
    const snapshot = snapshotFile(dir.path, 12);
    await store.put(snapshot.record, snapshot.path);
    const folder = `capstan/default/${owner.name}/`;
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}README.txt`, Body: 'notes' }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}20260101T000000Z-r1-copied.db`, Body: 'no metadata' }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}nested/${snapshot.record.id}.db`, Body: 'deeper' }));
    expect(await store.list()).toEqual([snapshot.record]);
  });

  it('streams a file of a hundred MiB both ways without holding it in memory', async () => {
    const store = storeFor(freshOwner());
    const snapshot = snapshotFile(dir.path, 40, 100 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    await store.put(snapshot.record, snapshot.path);
    const back = await readAll(await store.get(snapshot.record.id));
    expect(back.equals(snapshot.bytes)).toBe(true);
    expect((await store.list())[0]?.size).toBe(100 * 1024 * 1024);
    // The put itself buffers nothing like the file (the read-back above holds it, by design of the test).
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
  }, 120_000);

  it("refuses a file whose bytes are not the record's SHA-256: the store checks what it got", async () => {
    const store = storeFor(freshOwner());
    const snapshot = snapshotFile(dir.path, 2);
    const other = snapshotFile(dir.path, 2);
    const error = await store.put({ ...snapshot.record, sha256: other.record.sha256 }, snapshot.path).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreRequestRefused, nonRetryable: true });
    expect(await store.list()).toEqual([]);
  });

  it("uses the worker's own AWS credentials when the Secret gives none", async () => {
    const saved = { id: process.env['AWS_ACCESS_KEY_ID'], key: process.env['AWS_SECRET_ACCESS_KEY'] };
    process.env['AWS_ACCESS_KEY_ID'] = seaweedfs.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = seaweedfs.secretAccessKey;
    try {
      const store = storeFor(freshOwner(), { accessKeyId: undefined, secretAccessKey: undefined });
      const snapshot = snapshotFile(dir.path, 8);
      await store.put(snapshot.record, snapshot.path);
      expect(await store.list()).toEqual([snapshot.record]);
    } finally {
      restoreEnv('AWS_ACCESS_KEY_ID', saved.id);
      restoreEnv('AWS_SECRET_ACCESS_KEY', saved.key);
    }
  });
});

describe('a wrong bucket setting', () => {
  const noCredential = (message: string): void => {
    expect(message).not.toContain(seaweedfs.secretAccessKey);
    expect(message).not.toContain('wrong-secret');
  };

  it.each([
    ['an unknown access key', { accessKeyId: 'NOSUCHKEY0000000' }],
    ['a wrong secret key', { secretAccessKey: 'wrong-secret-key-0000000000' }],
  ])('with %s is SnapshotStoreAccessDenied, naming the Secret keys to check', async (_, changes) => {
    const error = await storeFor(freshOwner(), changes)
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreAccessDenied, nonRetryable: true });
    const { message } = error as Error;
    expect(message).toContain(`bucket "${bucket}" at ${seaweedfs.endpoint}`);
    expect(message).toContain(`keys "accessKeyID" and "secretAccessKey" of ${secret}`);
    noCredential(message);
  });

  it('naming a bucket that does not exist is SnapshotStoreBucketNotFound', async () => {
    const snapshot = snapshotFile(dir.path, 1);
    for (const attempt of [
      (store: ReturnType<typeof storeFor>) => store.list(),
      (store: ReturnType<typeof storeFor>) => store.put(snapshot.record, snapshot.path),
    ]) {
      const error = await attempt(storeFor(freshOwner(), { bucket: 'no-such-bucket' })).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ type: ErrorType.SnapshotStoreBucketNotFound, nonRetryable: true });
      expect((error as Error).message).toContain(`bucket "no-such-bucket" at ${seaweedfs.endpoint} does not exist`);
      expect((error as Error).message).toContain(`key "bucket"`);
    }
  });

  it.each([
    ['no CA (only the system trust store)', undefined],
    ['the CA of another server', 'other'],
  ])('with %s is SnapshotStoreTlsUntrusted, pointing at key ca.crt', async (_, ca) => {
    const caBundle = ca === undefined ? undefined : (await createLoopbackTls('elsewhere')).caPem;
    const error = await storeFor(freshOwner(), { caBundle })
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreTlsUntrusted, nonRetryable: true });
    expect((error as Error).message).toContain(`key "ca.crt" of ${secret}`);
    noCredential((error as Error).message);
  });
});

describe('an object store that does not answer well', () => {
  let refusedPort: number;
  let unavailable: Server;
  let silent: TcpServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    unavailable = createHttpServer((_, response) => {
      response.writeHead(503, { 'content-type': 'application/xml' });
      response.end('<?xml version="1.0"?><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>');
    });
    silent = createTcpServer((socket) => sockets.push(socket));
    await Promise.all([listen(unavailable), listen(silent)]);
    // A port that was free a moment ago: nothing listens there.
    const probe = createTcpServer();
    refusedPort = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([unavailable, silent].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const plain = (port: number): Partial<SnapshotStoreSettings> => ({ endpoint: `http://127.0.0.1:${port}`, caBundle: undefined });

  it('refusing connections is SnapshotStoreUnavailable, retryable', async () => {
    const error = await storeFor(freshOwner(), plain(refusedPort))
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreUnavailable, nonRetryable: false });
    expect((error as Error).message).toContain(`127.0.0.1:${refusedPort}`);
  });

  it('answering 503 is SnapshotStoreUnavailable, retryable', async () => {
    const error = await storeFor(freshOwner(), plain(portOf(unavailable)))
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreUnavailable, nonRetryable: false });
    expect((error as Error).message).toContain('503');
  });

  it('never answering is SnapshotStoreUnavailable after the timeout, retryable', async () => {
    const started = Date.now();
    const error = await storeFor(freshOwner(), plain(portOf(silent)), 500)
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.SnapshotStoreUnavailable, nonRetryable: false });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(portOf(server));
    });
  });
}

function portOf(server: Server | TcpServer): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return address.port;
}

function restoreEnv(name: 'AWS_ACCESS_KEY_ID' | 'AWS_SECRET_ACCESS_KEY', value: string | undefined): void {
  if (value === undefined) Reflect.deleteProperty(process.env, name);
  else process.env[name] = value;
}
