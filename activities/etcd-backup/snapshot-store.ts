import type { Readable } from 'node:stream';
import type { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';

/**
 * Where one cluster's etcd snapshots live. Implementations keep each snapshot's record with it
 * (object metadata, or a file beside it), so `list` answers from the store alone.
 */
export interface SnapshotStore {
  /** A short description for messages, never a credential (`s3://bucket/prefix/ns/cluster`). */
  readonly location: string;
  /** Stores the file under the record's id; putting the same id again replaces it. */
  put(record: EtcdSnapshotRecord, file: string): Promise<void>;
  /** Every snapshot of the cluster, oldest first. */
  list(): Promise<EtcdSnapshotRecord[]>;
  /** The snapshot's bytes; a NotFound failure when there is no such id. */
  get(id: string): Promise<Readable>;
  /** Removes one snapshot; removing a missing one is fine. */
  remove(id: string): Promise<void>;
}
