import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import { EtcdBackupPolicy, type EtcdSnapshotRecord, type SnapshotReason, type SnapshotStoreRef } from '../../api/etcd-snapshots.ts';
import { ErrorType } from '../../api/errors.ts';
import { planRetention } from '../../plan/etcd-retention.ts';
import { failure } from '../failure.ts';
import { snapshotEtcd } from '../talos/operations/etcd-snapshot.ts';
import type { TalosActivityDeps } from '../talos/operations/talos-session.ts';
import { snapshotRevision } from './bbolt-revision.ts';
import { snapshotId } from './snapshot-id.ts';
import type { SnapshotStores } from './snapshot-stores.ts';
import { checkSnapshotTrailer } from './snapshot-trailer.ts';

export interface EtcdBackupDeps extends TalosActivityDeps {
  readonly stores: SnapshotStores;
  /** Where a snapshot waits between Talos and the store (default: the OS temp folder). */
  readonly scratchDir?: string;
}

/** One backup: which node streams it, why, and where it goes. */
export interface EtcdBackupInput {
  readonly cluster: ClusterRef;
  /** A control plane whose etcd member is healthy. */
  readonly address: string;
  /** Runs recorded before the backup policy existed pass only this (the operation's workflow id). */
  readonly label: string;
  readonly reason?: SnapshotReason;
  /** Absent: the worker's snapshot folder, as before stores existed. */
  readonly store?: SnapshotStoreRef;
  /** Applied after the snapshot is stored; absent: the policy's defaults. */
  readonly retention?: Pick<EtcdBackupPolicy, 'keepLast' | 'maxAgeSeconds'>;
}

export interface EtcdBackupResult {
  readonly record: EtcdSnapshotRecord;
  readonly location: string;
  /** Ids retention removed. */
  readonly removed: readonly string[];
}

/**
 * Streams a snapshot from the node to a scratch file, checks etcd's sha256 trailer and reads its
 * revision, stores it with its record, then applies retention. A snapshot that fails its check is
 * never stored (EtcdSnapshotInvalid, not retried). Retried as a whole, it takes a new snapshot:
 * one taken twice is harmless, and retention removes extras in time.
 */
export async function backupEtcd(deps: EtcdBackupDeps, input: EtcdBackupInput): Promise<EtcdBackupResult> {
  const scratch = await mkdtemp(join(deps.scratchDir ?? tmpdir(), 'capstan-etcd-'));
  try {
    const path = join(scratch, 'snapshot.db');
    await snapshotEtcd(deps, { cluster: input.cluster, address: input.address, path });
    const what = `the etcd snapshot from ${input.address}`;
    const checked = await checkSnapshotTrailer(path, what);
    const revision = await snapshotRevision(path).catch((error: unknown) => {
      throw failure(ErrorType.EtcdSnapshotInvalid, `${what} does not read as an etcd database: ${messageOf(error)}`);
    });
    const takenAt = deps.clock?.() ?? new Date();
    const reason = input.reason ?? 'before-change';
    const record: EtcdSnapshotRecord = {
      id: snapshotId(takenAt, revision, reason, input.label),
      takenAt: takenAt.toISOString(),
      revision,
      size: checked.size,
      sha256: checked.sha256,
      reason,
      takenBy: input.label,
    };
    const store = await deps.stores.forCluster(input.cluster, input.store ?? { kind: 'worker-directory' });
    await store.put(record, path);
    const retention = input.retention ?? EtcdBackupPolicy.parse({});
    const verdict = planRetention(await store.list(), retention, takenAt.getTime());
    // The snapshot just stored stays whatever the listing says (a store may list with a delay).
    const removable = verdict.remove.filter((r) => r.id !== record.id);
    for (const old of removable) await store.remove(old.id);
    return { record, location: store.location, removed: removable.map((r) => r.id) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
