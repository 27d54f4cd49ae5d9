// The servers an earlier `npm start` left running when it died without stopping them (SIGKILL,
// an out-of-memory kill, a crash where the parent death signal is not available). They are found
// only through that start's records (servers/process-records.ts) and ended only while the pid
// still runs the recorded command line, started at the recorded time: never by name, so a
// user's own etcd, or a process that got a recycled pid, is never touched.
import { rmSync } from 'node:fs';
import { delay } from './servers/managed-process.ts';
import { identityOf, isSameProcess } from './servers/process-identity.ts';
import { readServerRecords, type ServerRecord, type StoredServerRecord } from './servers/process-records.ts';

export interface EndLeftoverServersOptions {
  /** Time between SIGTERM and SIGKILL (default 10 s, as for a clean stop). */
  readonly graceMs?: number;
  /** Receives one line per server ended. */
  readonly report?: (line: string) => void;
}

/**
 * Ends the recorded servers whose launcher is gone and removes every record in `dir`; returns
 * the records of the servers it ended. Refuses, naming it, while the launcher that wrote a
 * record still runs: its servers are in use, not left over.
 */
export async function endLeftoverServers(dir: string, options: EndLeftoverServersOptions = {}): Promise<ServerRecord[]> {
  const stored = readServerRecords(dir);
  const launcher = stored
    .map(({ record }) => record.launcher)
    .find((l) => l.startTicks !== null && identityOf(l.pid)?.startTicks === l.startTicks);
  if (launcher) {
    throw new Error(
      `another 'npm start' (pid ${launcher.pid}) is still running on this state folder. Stop it with Ctrl-C in its ` +
        `terminal or \`kill ${launcher.pid}\` (it stops its servers), then start again.`,
    );
  }
  const leftovers = stored.filter(({ record }) => stillRuns(record));
  // The others name a process that is gone, or a pid that now belongs to another program: only the record goes.
  for (const { file } of stored) if (!leftovers.some((l) => l.file === file)) rmSync(file, { force: true });

  await endAll(leftovers, options.graceMs ?? 10_000);
  for (const { file, record } of leftovers) {
    rmSync(file, { force: true });
    options.report?.(`ended ${record.name} (pid ${record.pid}) left running by an earlier npm start that did not stop cleanly`);
  }
  return leftovers.map(({ record }) => record);
}

function stillRuns(record: ServerRecord): boolean {
  return record.startTicks !== null && isSameProcess(record.pid, { commandLine: record.commandLine, startTicks: record.startTicks });
}

/** SIGTERM to each server's group, SIGKILL to those still there after the grace period; waits until all are gone. */
async function endAll(leftovers: readonly StoredServerRecord[], graceMs: number): Promise<void> {
  const running = (): ServerRecord[] => leftovers.map(({ record }) => record).filter(stillRuns);
  for (const record of running()) signal(record, 'SIGTERM');
  await waitUntil(() => running().length === 0, graceMs);
  for (const record of running()) signal(record, 'SIGKILL');
  await waitUntil(() => running().length === 0, 5_000);
  const survivors = running();
  if (survivors.length > 0) {
    throw new Error(
      `could not end ${survivors.map((r) => `${r.name} (pid ${r.pid})`).join(', ')} left running by an earlier npm start; end them by hand and start again.`,
    );
  }
}

/** Signals the server's process group while the server still leads it, else the server alone. */
function signal(record: ServerRecord, name: NodeJS.Signals): void {
  const target = identityOf(record.pid)?.processGroup === record.processGroup ? -record.processGroup : record.pid;
  try {
    process.kill(target, name);
  } catch {
    // ESRCH: it ended meanwhile.
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  for (let waited = 0; !done() && waited < timeoutMs; waited += 100) await delay(100);
}
