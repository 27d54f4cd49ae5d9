import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import type { EtcdSnapshotRecord, SnapshotStoreRef } from '../../api/etcd-snapshots.ts';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { writeAtomically } from '../talos/machine-api/write-atomically.ts';
import type { SnapshotStores } from './snapshot-stores.ts';
import { checkSnapshotTrailer } from './snapshot-trailer.ts';

/** One stored snapshot of one cluster. */
export interface StoredSnapshotRef {
  readonly cluster: ClusterRef;
  readonly store: SnapshotStoreRef;
  readonly id: string;
}

export interface VerifiedSnapshotDeps {
  readonly stores: SnapshotStores;
  /** Where a snapshot waits between the store and its check (default: the OS temp folder). */
  readonly scratchDir?: string;
}

/** A snapshot downloaded to the worker whose bytes are exactly those its record describes. */
export interface VerifiedSnapshot {
  readonly record: EtcdSnapshotRecord;
  readonly location: string;
  readonly path: string;
}

/**
 * Downloads the snapshot to a scratch file, checks etcd's own trailer and that the whole file's
 * SHA-256 is the one recorded when it was stored, then hands the file to `use` and removes it.
 * An unknown id or a file that fails either check is a non-retryable failure naming the snapshot
 * and the store: nothing is sent to a node before this passed.
 */
export async function withVerifiedSnapshot<T>(
  deps: VerifiedSnapshotDeps,
  ref: StoredSnapshotRef,
  onDownloaded: (bytes: number) => void,
  use: (snapshot: VerifiedSnapshot) => Promise<T>,
): Promise<T> {
  const store = await deps.stores.forCluster(ref.cluster, ref.store);
  const record = (await store.list()).find((r) => r.id === ref.id);
  if (record === undefined) throw unknownSnapshot(ref, store.location);
  const what = `etcd snapshot ${ref.id} in ${store.location}`;
  const scratch = await mkdtemp(join(deps.scratchDir ?? tmpdir(), 'capstan-etcd-restore-'));
  try {
    const path = join(scratch, 'snapshot.db');
    const written = await writeAtomically(path, (await store.get(ref.id)) as Readable & AsyncIterable<Buffer>, onDownloaded);
    const checked = await checkSnapshotTrailer(path, what);
    if (checked.sha256 !== record.sha256 || written.bytes !== record.size) {
      throw failure(
        ErrorType.EtcdSnapshotInvalid,
        `${what} is not the file that was stored: ${written.bytes} bytes with SHA-256 ${checked.sha256}, ` +
          `but its record says ${record.size} bytes with SHA-256 ${record.sha256}. Pick another one: ${listCommand(ref.cluster)}`,
      );
    }
    return await use({ record, location: store.location, path });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const listCommand = (cluster: ClusterRef): string => `\`capstan etcd snapshots ${cluster.name} -n ${cluster.namespace}\` lists them`;

function unknownSnapshot(ref: StoredSnapshotRef, location: string) {
  return failure(
    ErrorType.EtcdSnapshotNotFound,
    `there is no etcd snapshot ${ref.id} of ${ref.cluster.namespace}/${ref.cluster.name} in ${location} ` +
      `(removed by retention, or never taken); ${listCommand(ref.cluster)}`,
  );
}
