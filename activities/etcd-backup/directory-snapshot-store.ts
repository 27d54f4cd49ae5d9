import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ErrorType } from '../../api/errors.ts';
import { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import { failure } from '../failure.ts';
import { writeAtomically } from '../talos/machine-api/write-atomically.ts';
import { snapshotFileName, snapshotIdOf, type SnapshotOwner } from './snapshot-layout.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/**
 * One cluster's snapshots in a folder of the worker (the embedded default): `<dir>/<namespace>/
 * <cluster>/<id>.db` with the record as `<id>.json` beside it. Both are written atomically, the
 * file before its record and removed after it, so a record always has its file: `list` reads the
 * records, and a file without one (a put cut short) is not a snapshot.
 */
export function createDirectorySnapshotStore(directory: string, owner: SnapshotOwner): SnapshotStore {
  const folder = join(directory, owner.namespace, owner.name);
  const file = (id: string): string => join(folder, snapshotFileName(id));
  const recordFile = (id: string): string => file(id).replace(/\.db$/, '.json');

  return {
    location: folder,

    async put(record, source) {
      const parsed = EtcdSnapshotRecord.parse(record);
      const written = await writeAtomically(file(parsed.id), createReadStream(source));
      if (written.sha256 !== parsed.sha256) {
        await rm(written.path, { force: true });
        throw new Error(
          `${source} has SHA-256 ${written.sha256}, not the ${parsed.sha256} of snapshot ${parsed.id}'s record: it changed, or the record is wrong`,
        );
      }
      await writeAtomically(
        recordFile(parsed.id),
        Readable.from([Buffer.from(`${JSON.stringify({ ...parsed, size: written.bytes }, null, 2)}\n`)]),
      );
    },

    async list() {
      let names: string[];
      try {
        names = await readdir(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const ids = names.flatMap((name) => snapshotIdOf(name) ?? []);
      const records = await Promise.all(ids.map((id) => readRecord(id)));
      return records
        .filter((record) => record !== undefined)
        .sort((a, b) => a.takenAt.localeCompare(b.takenAt) || a.id.localeCompare(b.id));
    },

    async get(id) {
      const handle = (await readRecord(id)) === undefined ? undefined : await openIfExists(file(id));
      if (handle === undefined) throw failure(ErrorType.EtcdSnapshotNotFound, `there is no etcd snapshot ${id} in ${folder}`);
      return handle.createReadStream();
    },

    async remove(id) {
      await rm(recordFile(id), { force: true });
      await rm(file(id), { force: true });
    },
  };

  // The record beside a snapshot file; undefined when there is none or it does not parse (a put
  // cut short between the two writes, or a file someone else put there).
  async function readRecord(id: string): Promise<EtcdSnapshotRecord | undefined> {
    let text: string;
    try {
      text = await readFile(recordFile(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const parsed = EtcdSnapshotRecord.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.id === id ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
