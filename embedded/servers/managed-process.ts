import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { withParentDeathSignal } from './parent-death-signal.ts';
import { recordServer } from './process-records.ts';

/**
 * A server process the launcher or a test owns: started in its own process group, ended with its
 * owner (parent-death-signal.ts), recorded while it runs when recording is on (process-records.ts).
 */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or null after a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** The last lines the process printed, for error messages. */
  logTail(): string;
  /** SIGTERM to the whole group, SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Appends everything the process prints to this file (the embedded default keeps logs). */
  readonly logFile?: string;
  readonly stopGraceMs?: number;
  readonly cwd?: string;
  /** Runs the process as this user and group (a server that refuses to run as root, started by root). */
  readonly runAs?: { readonly uid: number; readonly gid: number };
}

const live = new Map<ManagedProcess, (() => void) | undefined>();
const tailLines = 60;

// Last line of defence when this process exits on its own (an uncaught error) before stopping its
// servers; a SIGKILL skips this, and the parent death signal and the records take over.
process.on('exit', () => {
  for (const [child, forgetRecord] of live) {
    killGroup(child.pid, 'SIGKILL');
    forgetRecord?.();
  }
});

/** Starts a server process; the caller must `stop()` it (in a finally block or afterAll). */
export function startProcess(options: StartOptions): ManagedProcess {
  const spawned = withParentDeathSignal(options.command, options.args);
  const child = spawn(spawned.command, spawned.args, {
    detached: true, // its own process group, so stop() also ends anything it forks
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    // The user is switched before setpriv sets the parent death signal, which a switch would clear.
    ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
  });
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  const pid = child.pid;
  const forgetRecord = recordServer({ name: options.name, pid, commandLine: [options.command, ...options.args] });
  const lines: string[] = [];
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const collect = (chunk: Buffer): void => {
    log?.write(chunk);
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
    if (lines.length > tailLines) lines.splice(0, lines.length - tailLines);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => {
      resolve(null);
    });
    child.once('exit', (code) => {
      live.delete(managed);
      forgetRecord?.();
      log?.end();
      resolve(code);
    });
  });

  let stopping: Promise<void> | undefined;
  const managed: ManagedProcess = {
    name: options.name,
    pid,
    exited,
    logTail: () => lines.join('\n'),
    stop: () => (stopping ??= stopGroup(pid, exited, options.stopGraceMs ?? 10_000)),
  };
  live.set(managed, forgetRecord);
  return managed;
}

async function stopGroup(pid: number, exited: Promise<number | null>, graceMs: number): Promise<void> {
  killGroup(pid, 'SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)]);
  if (timedOut) killGroup(pid, 'SIGKILL');
  await exited;
  // Children that outlived their leader are ended too, and given a moment to go (the kernel
  // tears a killed process down asynchronously). Only while the group still exists: a group id
  // is a pid, and on a busy machine a dead group's id soon belongs to someone else.
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
  for (let waited = 0; groupAlive(pid) && waited < 2_000; waited += 20) await delay(20);
}

/** Whether any process still runs in the process group `pid` leads (or led). */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we want.
  }
}

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns true. Fails early, with the process's last output, when the
 * process exits, and with a timeout error naming what was awaited otherwise.
 */
export async function waitUntilReady(
  process_: ManagedProcess,
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  let exitCode: number | null | undefined;
  void process_.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      await delay(50); // 'exit' can precede the last output on the pipes
      throw new Error(`${process_.name} exited (code ${exitCode}) before ${what}:\n${process_.logTail()}`);
    }
    if (
      await Promise.resolve()
        .then(probe)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) {
      throw new Error(`${process_.name} did not become ready (${what}) within ${timeoutMs} ms:\n${process_.logTail()}`);
    }
    await delay(200);
  }
}
