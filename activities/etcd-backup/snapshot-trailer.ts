import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';

/** The length of etcd's trailer: a SHA-256 of everything before it. */
const trailerLength = 32;

export interface CheckedSnapshot {
  /** Bytes, trailer included. */
  readonly size: number;
  /** Hex SHA-256 of the whole file (what Capstan records and compares before a restore). */
  readonly sha256: string;
}

/**
 * Checks etcd's integrity trailer the way `etcdutl snapshot restore` does: a snapshot streamed by
 * etcd is a bbolt database (whole pages, so a multiple of 512 bytes) followed by the SHA-256 of
 * that database. A file without one (a member's db copied from its data dir) or with a wrong one
 * fails as EtcdSnapshotInvalid, naming `what`. One pass over the file computes both hashes.
 */
export async function checkSnapshotTrailer(path: string, what: string): Promise<CheckedSnapshot> {
  const { size } = await stat(path);
  if (size < trailerLength || size % 512 !== trailerLength) {
    throw failure(
      ErrorType.EtcdSnapshotInvalid,
      `${what} has no etcd sha256 trailer (${size} bytes is not a database of whole pages plus 32 bytes): ` +
        'it was not streamed by etcd, or it was cut short',
    );
  }
  const body = createHash('sha256');
  const whole = createHash('sha256');
  const tail: Buffer[] = [];
  let read = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    const bodyBytes = Math.max(0, Math.min(chunk.length, size - trailerLength - read));
    body.update(chunk.subarray(0, bodyBytes));
    if (bodyBytes < chunk.length) tail.push(chunk.subarray(bodyBytes));
    read += chunk.length;
  }
  const expected = Buffer.concat(tail);
  const actual = body.digest();
  if (read !== size || !actual.equals(expected)) {
    throw failure(
      ErrorType.EtcdSnapshotInvalid,
      `${what} is corrupt: its etcd sha256 trailer ${expected.toString('hex').slice(0, 16)}… does not match ` +
        `its contents (${actual.toString('hex').slice(0, 16)}…)`,
    );
  }
  return { size, sha256: whole.digest('hex') };
}
