// A launcher killed with SIGKILL cannot stop its servers. These cases start a real server through
// the launcher's code in a launcher that then dies (test/fixtures/crashing-launcher.ts), and show
// what ends it: the parent death signal where setpriv exists, else the next start's records.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { endLeftoverServers } from '../../embedded/leftover-servers.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { withParentDeathSignal } from '../../embedded/servers/parent-death-signal.ts';
import { identityOf } from '../../embedded/servers/process-identity.ts';
import { readServerRecords, type ServerRecord } from '../../embedded/servers/process-records.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { processesWithEnv } from '../../tools/orphans.ts';

const markerName = 'CAPSTAN_OWNER_MARKER';
const fixture = fileURLToPath(new URL('../fixtures/crashing-launcher.ts', import.meta.url));
const hasParentDeathSignal = withParentDeathSignal('sleep', []).command !== 'sleep';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A records folder and a marker, both cleaned up after the case (any marked process is killed). */
function scene(): { dir: string; marker: string } {
  const home = makeTempDir('leftovers');
  const dir = join(home.path, 'processes');
  mkdirSync(dir);
  const marker = randomUUID();
  cleanups.push(() => {
    for (const { pid } of processesWithEnv(markerName, marker)) process.kill(pid, 'SIGKILL');
    home.remove();
  });
  return { dir, marker };
}

/** Runs the crashing launcher to its SIGKILL; returns the pid of the server it started. */
function crashLauncher(dir: string, marker: string, mode: 'plain' | 'ignores-term'): number {
  const launcher = spawnSync(process.execPath, ['--import', 'tsx', fixture, dir, marker, mode], { encoding: 'utf8', timeout: 30_000 });
  expect(launcher.signal).toBe('SIGKILL');
  const pid = Number(/started (\d+)/.exec(launcher.stdout)?.[1]);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

/** Writes a record as an earlier launcher (long gone) would have. */
function writeRecord(dir: string, record: Omit<ServerRecord, 'startedAt' | 'processGroup'>): void {
  const full: ServerRecord = { ...record, processGroup: record.pid, startedAt: new Date().toISOString() };
  writeFileSync(join(dir, `${record.name}-${record.pid}.json`), JSON.stringify(full));
}

describe('servers of a launcher killed with SIGKILL', () => {
  it.skipIf(!hasParentDeathSignal)('end with it by the parent death signal; the record held the server’s own command line', async () => {
    const { dir, marker } = scene();
    const pid = crashLauncher(dir, marker, 'plain');
    const [stored] = readServerRecords(dir);
    expect(stored?.record).toMatchObject({ name: 'sleeper', pid, commandLine: ['sleep', '300'] });
    await eventually(
      () => {
        expect(processesWithEnv(markerName, marker)).toEqual([]);
      },
      10_000,
      50,
    );
    // The next start finds only a stale record: nothing to end, the record goes.
    const report: string[] = [];
    await endLeftoverServers(dir, { report: (line) => report.push(line) });
    expect(report).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('that outlive it are ended by the next start, from their records, and named', async () => {
    const { dir, marker } = scene();
    const pid = crashLauncher(dir, marker, 'ignores-term');
    const [stored] = readServerRecords(dir);
    // With setpriv in between, /proc still shows the server's own command line under the recorded pid.
    expect(identityOf(pid)?.commandLine).toEqual(stored?.record.commandLine);
    expect(processesWithEnv(markerName, marker).length).toBe(2); // the shell and its sleep

    const report: string[] = [];
    const ended = await endLeftoverServers(dir, { graceMs: 300, report: (line) => report.push(line) });
    expect(report).toEqual([`ended stubborn sleeper (pid ${pid}) left running by an earlier npm start that did not stop cleanly`]);
    expect(ended.map((r) => r.pid)).toEqual([pid]);
    expect(processesWithEnv(markerName, marker)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves a recorded pid alone that now runs another command line, and drops the record', async () => {
    const { dir, marker } = scene();
    const stranger = spawn('sleep', ['300'], { env: { ...process.env, [markerName]: marker }, stdio: 'ignore' });
    const pid = stranger.pid ?? 0;
    const gone = spawnSync('true').pid;
    writeRecord(dir, {
      name: 'etcd',
      pid,
      commandLine: ['etcd', '--data-dir=/nowhere'],
      startTicks: identityOf(pid)?.startTicks ?? 0,
      launcher: { pid: gone, startTicks: 0 },
    });

    const report: string[] = [];
    await endLeftoverServers(dir, { graceMs: 300, report: (line) => report.push(line) });
    expect(report).toEqual([]);
    expect(identityOf(pid)?.commandLine).toEqual(['sleep', '300']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses while the launcher that wrote the records still runs, and names it', async () => {
    const { dir } = scene();
    const gone = spawnSync('true').pid;
    writeRecord(dir, {
      name: 'etcd',
      pid: gone,
      commandLine: ['etcd'],
      startTicks: 0,
      launcher: { pid: process.pid, startTicks: identityOf(process.pid)?.startTicks ?? 0 },
    });
    await expect(endLeftoverServers(dir)).rejects.toThrow(`another 'npm start' (pid ${process.pid}) is still running`);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
