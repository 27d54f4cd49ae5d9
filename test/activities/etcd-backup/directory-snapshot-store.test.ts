// The worker-folder snapshot store (the embedded default) keeps the same contract as the S3 one,
// and a put cut short between its two writes leaves no half snapshot in the listing.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDirectorySnapshotStore } from '../../../activities/etcd-backup/directory-snapshot-store.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { freshOwner, snapshotFile, snapshotStoreContract } from './snapshot-store-contract.ts';

const dir = makeTempDir('directory-snapshot-store');
const snapshots = join(dir.path, 'snapshots');
afterAll(() => {
  dir.remove();
});

describe('the directory snapshot store', () => {
  snapshotStoreContract(
    (owner) => createDirectorySnapshotStore(snapshots, owner),
    () => dir.path,
  );

  it('keeps <dir>/<namespace>/<cluster>/<id>.db with its record as <id>.json, and no temporary files', async () => {
    const owner = freshOwner('tenant-a');
    const store = createDirectorySnapshotStore(snapshots, owner);
    const snapshot = snapshotFile(dir.path, 9);
    await store.put(snapshot.record, snapshot.path);
    const folder = join(snapshots, 'tenant-a', owner.name);
    expect(store.location).toBe(folder);
    expect(readdirSync(folder).sort()).toEqual([`${snapshot.record.id}.db`, `${snapshot.record.id}.json`]);
  });

  it('lists no snapshot whose record is missing or unreadable (a put cut short, a stray file)', async () => {
    const owner = freshOwner();
    const store = createDirectorySnapshotStore(snapshots, owner);
    const snapshot = snapshotFile(dir.path, 4);
    await store.put(snapshot.record, snapshot.path);
    const folder = join(snapshots, owner.namespace, owner.name);
    writeFileSync(join(folder, '20260101T000000Z-r1-cut-short.db'), 'a file without its record');
    writeFileSync(join(folder, '20260101T000000Z-r2-garbled.db'), 'x');
    writeFileSync(join(folder, '20260101T000000Z-r2-garbled.json'), '{ not json');
    expect(await store.list()).toEqual([snapshot.record]);
    await expect(store.get('20260101T000000Z-r1-cut-short')).rejects.toMatchObject({ type: 'EtcdSnapshotNotFound' });
  });

  it('refuses a file whose bytes are not the record’s SHA-256, and keeps nothing of it', async () => {
    const owner = freshOwner();
    const store = createDirectorySnapshotStore(snapshots, owner);
    const snapshot = snapshotFile(dir.path, 6);
    const other = snapshotFile(dir.path, 6);
    await expect(store.put({ ...snapshot.record, sha256: other.record.sha256 }, snapshot.path)).rejects.toThrow(/SHA-256/);
    expect(await store.list()).toEqual([]);
    expect(existsSync(join(snapshots, owner.namespace, owner.name, `${snapshot.record.id}.db`))).toBe(false);
  });
});
