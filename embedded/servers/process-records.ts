// Which servers a launcher has running, on disk: one JSON file per server, written when it starts
// and removed when it has ended. A launcher killed with SIGKILL (an out-of-memory kill, a crash)
// cannot stop its servers; the next `npm start` reads these records to find exactly those servers
// again, by pid, start time and command line, and nothing else (see ../leftover-servers.ts).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { identityOf } from './process-identity.ts';

const serverRecordSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  processGroup: z.number().int().positive(),
  /** argv as /proc/<pid>/cmdline shows it once the server runs. */
  commandLine: z.array(z.string()),
  /** /proc/<pid>/stat's start time; null where /proc cannot tell (then the record is never acted on). */
  startTicks: z.number().nullable(),
  startedAt: z.iso.datetime(),
  /** The process that started the server: while it lives, its servers are not leftovers. */
  launcher: z.object({ pid: z.number().int().positive(), startTicks: z.number().nullable() }),
});

/** One server a launcher started, as written under `<CAPSTAN_HOME>/processes`. */
export type ServerRecord = z.infer<typeof serverRecordSchema>;

/** A record and the file it was read from. */
export interface StoredServerRecord {
  readonly file: string;
  readonly record: ServerRecord;
}

let recordsDir: string | undefined;

/**
 * Records every server started from now on in `dir` (undefined: stop recording). Off unless a
 * launcher turns it on, so the tests' servers leave no records.
 */
export function recordServersIn(dir: string | undefined): void {
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  recordsDir = dir;
}

/**
 * Writes the record of a server just spawned and returns what removes it; undefined while
 * recording is off. `commandLine` is the server's argv, which is what /proc/<pid>/cmdline shows
 * once the server has exec'd: read from /proc right after spawn it could still show the process
 * that execs it (setpriv, see parent-death-signal.ts).
 */
export function recordServer(server: {
  readonly name: string;
  readonly pid: number;
  readonly commandLine: readonly string[];
}): (() => void) | undefined {
  if (recordsDir === undefined) return undefined;
  const file = join(recordsDir, `${server.name.replace(/[^A-Za-z0-9]+/g, '-')}-${server.pid}.json`);
  const record: ServerRecord = {
    name: server.name,
    pid: server.pid,
    processGroup: server.pid, // started detached: the server leads its own group
    commandLine: [...server.commandLine],
    startTicks: identityOf(server.pid)?.startTicks ?? null,
    startedAt: new Date().toISOString(),
    launcher: { pid: process.pid, startTicks: launcherStartTicks() },
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return () => {
    rmSync(file, { force: true });
  };
}

/** The records in `dir`. A file that is not a record (cut short by a crash mid-write) is removed: it can name nothing. */
export function readServerRecords(dir: string): StoredServerRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const records: StoredServerRecord[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      records.push({ file, record: serverRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) });
    } catch {
      rmSync(file, { force: true });
    }
  }
  return records;
}

let ownStartTicks: number | null | undefined;
function launcherStartTicks(): number | null {
  return (ownStartTicks ??= identityOf(process.pid)?.startTicks ?? null);
}
