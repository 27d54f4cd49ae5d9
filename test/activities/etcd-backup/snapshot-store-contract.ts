// What every SnapshotStore promises (activities/etcd-backup/snapshot-store.ts), run against each
// implementation: the bytes come back as they were put, the records come back from the store
// alone, one cluster never sees another's snapshots, and a missing snapshot is a clear failure.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import type { EtcdSnapshotRecord } from '../../../api/etcd-snapshots.ts';
import type { SnapshotOwner } from '../../../activities/etcd-backup/snapshot-layout.ts';
import type { SnapshotStore } from '../../../activities/etcd-backup/snapshot-store.ts';

/** A file of random bytes and the record of a snapshot of it, as a backup activity would make them. */
export interface SnapshotFile {
  readonly record: EtcdSnapshotRecord;
  readonly path: string;
  readonly bytes: Buffer;
}

let made = 0;

/** Writes `size` random bytes under `dir` and returns them with a record taken `minute` minutes into the day. */
export function snapshotFile(dir: string, minute: number, size = 64 * 1024, overrides: Partial<EtcdSnapshotRecord> = {}): SnapshotFile {
  made += 1;
  const bytes = randomBytes(size);
  const path = join(dir, `source-${made}.db`);
  writeFileSync(path, bytes);
  const takenAt = new Date(Date.UTC(2026, 11, 5, 0, minute)).toISOString();
  const revision = 1000 + minute;
  const record: EtcdSnapshotRecord = {
    id: `${takenAt.replace(/[-:]|\.\d+/g, '')}-r${revision}-scheduled`,
    takenAt,
    revision,
    size,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    reason: 'scheduled',
    takenBy: 'schedule',
    ...overrides,
  };
  return { record, path, bytes };
}

/** Every byte of a stream. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

let clusters = 0;
/** A cluster no other test uses, so tests share one store backend without seeing each other. */
export function freshOwner(namespace = 'default'): SnapshotOwner {
  clusters += 1;
  return { namespace, name: `cluster-${clusters}` };
}

/**
 * Registers the contract's tests in the calling describe block. `storeFor` builds the store of one
 * cluster on the backend under test; `dir` holds the source files.
 */
export function snapshotStoreContract(storeFor: (owner: SnapshotOwner) => SnapshotStore, dir: () => string): void {
  it('gives back the bytes that were put, and lists the record from the store alone', async () => {
    const owner = freshOwner();
    const store = storeFor(owner);
    const snapshot = snapshotFile(dir(), 10, 3 * 1024 * 1024 + 17, {
      reason: 'before-change',
      takenBy: 'cluster/default/a/upgrade/1.11→1.12',
    });
    await store.put(snapshot.record, snapshot.path);

    // A store built anew (a later activity, another worker) knows it from what is stored.
    const again = storeFor(owner);
    expect(await again.list()).toEqual([snapshot.record]);
    expect((await readAll(await again.get(snapshot.record.id))).equals(snapshot.bytes)).toBe(true);
  });

  it('lists oldest first, and removes one snapshot without touching the others', async () => {
    const store = storeFor(freshOwner());
    const [late, early, middle] = [snapshotFile(dir(), 50), snapshotFile(dir(), 5), snapshotFile(dir(), 20)];
    for (const snapshot of [late, early, middle]) await store.put(snapshot.record, snapshot.path);
    expect((await store.list()).map((record) => record.id)).toEqual([early, middle, late].map((snapshot) => snapshot.record.id));

    await store.remove(middle.record.id);
    expect((await store.list()).map((record) => record.id)).toEqual([early.record.id, late.record.id]);
    // Removing what is gone is fine: retention may run twice.
    await store.remove(middle.record.id);
    expect(await store.list()).toHaveLength(2);
  });

  it('replaces a snapshot put again under the same id', async () => {
    const store = storeFor(freshOwner());
    const first = snapshotFile(dir(), 30);
    const second = snapshotFile(dir(), 30, 1000, { reason: 'manual', takenBy: 'ops@example.com' });
    expect(second.record.id).toBe(first.record.id);
    await store.put(first.record, first.path);
    await store.put(second.record, second.path);
    expect(await store.list()).toEqual([second.record]);
    expect((await readAll(await store.get(first.record.id))).equals(second.bytes)).toBe(true);
  });

  it("keeps each cluster's snapshots apart, even where one name starts another", async () => {
    const a = freshOwner('tenant-a');
    const storeA = storeFor(a);
    const storeAb = storeFor({ namespace: a.namespace, name: `${a.name}b` });
    const storeOtherNamespace = storeFor({ namespace: 'tenant-b', name: a.name });
    const snapshot = snapshotFile(dir(), 1);
    await storeA.put(snapshot.record, snapshot.path);

    expect(await storeA.list()).toEqual([snapshot.record]);
    expect(await storeAb.list()).toEqual([]);
    expect(await storeOtherNamespace.list()).toEqual([]);
    await expect(storeOtherNamespace.get(snapshot.record.id)).rejects.toMatchObject({ type: ErrorType.EtcdSnapshotNotFound });
    // Removing another cluster's id removes nothing of this one.
    await storeOtherNamespace.remove(snapshot.record.id);
    expect(await storeA.list()).toEqual([snapshot.record]);
  });

  it('answers an empty list for a cluster that has no snapshots yet', async () => {
    expect(await storeFor(freshOwner()).list()).toEqual([]);
  });

  it('fails a get of a missing snapshot with EtcdSnapshotNotFound, naming it and the store', async () => {
    const store = storeFor(freshOwner());
    const error = await store.get('20261205T000000Z-r1-scheduled').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: ErrorType.EtcdSnapshotNotFound, nonRetryable: true });
    expect((error as Error).message).toContain('20261205T000000Z-r1-scheduled');
  });

  it('refuses an id that could name something outside the cluster', async () => {
    const store = storeFor(freshOwner());
    for (const id of ['../other/x', 'a/b', '', '.hidden'])
      await expect(store.get(id), id).rejects.toMatchObject({ type: ErrorType.EtcdSnapshotNotFound, nonRetryable: true });
  });
}
