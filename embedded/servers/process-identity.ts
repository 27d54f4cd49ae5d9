import { readFileSync } from 'node:fs';

/**
 * What tells a live process apart from a later one that got the same pid: the kernel recycles
 * pids, so a pid alone never says "this is the server we started".
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** argv as /proc/<pid>/cmdline shows it. */
  readonly commandLine: readonly string[];
  /** Clock ticks after boot at which the process was forked (/proc/<pid>/stat field 22); exec keeps it. */
  readonly startTicks: number;
  readonly processGroup: number;
}

/**
 * The identity of a running process, read from /proc; undefined when there is no such process,
 * when it is a zombie (dead, waiting to be reaped: it holds no port and needs no ending), or
 * when /proc cannot tell (not Linux, or not ours to read).
 */
export function identityOf(pid: number): ProcessIdentity | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (commandLine.at(-1) === '') commandLine.pop();
    return { pid, commandLine, processGroup: Number(fields[2]), startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** Whether `pid` still runs the process `expected` describes: same start time, same command line. */
export function isSameProcess(pid: number, expected: { readonly commandLine: readonly string[]; readonly startTicks: number }): boolean {
  const current = identityOf(pid);
  return (
    current !== undefined &&
    current.startTicks === expected.startTicks &&
    current.commandLine.length === expected.commandLine.length &&
    current.commandLine.every((arg, index) => arg === expected.commandLine[index])
  );
}
