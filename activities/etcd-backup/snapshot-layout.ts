import { ErrorType } from '../../api/errors.ts';
import { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import { failure } from '../failure.ts';

/** The cluster whose snapshots a store holds: its folder (or key prefix) is `<namespace>/<name>`. */
export interface SnapshotOwner {
  readonly namespace: string;
  readonly name: string;
}

const extension = '.db';
const idSchema = EtcdSnapshotRecord.shape.id;

/** The file (or last key segment) a snapshot is stored under; no id names anything outside its folder. */
export function snapshotFileName(id: string): string {
  if (!idSchema.safeParse(id).success)
    throw failure(ErrorType.EtcdSnapshotNotFound, `"${id}" is not an etcd snapshot id (letters, digits, ".", "_" and "-")`);
  return `${id}${extension}`;
}

/** The id a stored file name stands for; undefined for anything else found beside snapshots. */
export function snapshotIdOf(fileName: string): string | undefined {
  if (!fileName.endsWith(extension)) return undefined;
  const id = fileName.slice(0, -extension.length);
  return idSchema.safeParse(id).success ? id : undefined;
}
