// Servers end with the process that started them, however it ends. On Linux a server is spawned
// through util-linux's `setpriv --pdeathsig SIGTERM -- <command>`: setpriv sets PR_SET_PDEATHSIG
// and execs the server in place, so the pid, the process group and /proc/<pid>/cmdline are the
// server's own, and the setting survives that exec. The kernel then sends SIGTERM when the
// spawning *thread* ends. Node spawns synchronously on the calling JavaScript thread, and servers
// are started from the main thread (vitest runs tests in forks, not worker threads), so the
// signal comes only when the whole process dies: an exit, a crash, a SIGKILL. Where setpriv is
// missing (macOS) the spawn is plain and the records of process-records.ts are the safety net.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The command line that runs `command` so that it gets SIGTERM when this process dies. */
export function withParentDeathSignal(command: string, args: readonly string[]): { command: string; args: readonly string[] } {
  const setpriv = setprivPath();
  return setpriv === undefined ? { command, args } : { command: setpriv, args: ['--pdeathsig', 'SIGTERM', '--', command, ...args] };
}

let found: string | null | undefined;

/** setpriv, if it is on PATH and knows --pdeathsig (util-linux 2.33 and later); looked up once. */
function setprivPath(): string | undefined {
  found ??= process.platform === 'linux' ? probe() : null;
  return found ?? undefined;
}

function probe(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    // An older setpriv without the option would fail every server start: try it once.
    const trial = spawnSync(candidate, ['--pdeathsig', 'SIGTERM', '--', 'true'], { stdio: 'ignore', timeout: 5_000 });
    return trial.status === 0 ? candidate : null;
  }
  return null;
}
