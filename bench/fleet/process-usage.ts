// CPU time and memory of a process, read from Linux's /proc: what `ps` shows, for processes this
// bench started (the worker, the Temporal dev server, the simulators' kube-apiservers).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) and resident memory of one process at one moment. */
export interface ProcessUsage {
  readonly cpuSeconds: number;
  /** Resident set size now, in bytes. */
  readonly rssBytes: number;
  /** The highest resident set size the process ever had, in bytes (VmHWM). */
  readonly peakRssBytes: number;
}

/** utime and stime in clock ticks, from the text of /proc/<pid>/stat. */
export function parseProcStat(text: string): { readonly utimeTicks: number; readonly stimeTicks: number } {
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name come field 3 (state) onwards: utime is field 14, stime field 15.
  const utimeTicks = Number(fields[14 - 3]);
  const stimeTicks = Number(fields[15 - 3]);
  if (!Number.isFinite(utimeTicks) || !Number.isFinite(stimeTicks)) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  return { utimeTicks, stimeTicks };
}

/** A `kB` line of /proc/<pid>/status (VmRSS, VmHWM), in bytes; 0 when absent (a zombie). */
export function statusKiB(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // USER_HZ on every Linux architecture Node runs on
    }
  }
  return ticksPerSecond;
}

/** The process's usage now; undefined once it has ended. */
export function processUsage(pid: number): ProcessUsage | undefined {
  try {
    const { utimeTicks, stimeTicks } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSeconds: (utimeTicks + stimeTicks) / clockTicks(),
      rssBytes: statusKiB(status, 'VmRSS'),
      peakRssBytes: statusKiB(status, 'VmHWM'),
    };
  } catch {
    return undefined;
  }
}

/** Busy clock ticks of all CPUs together, from the text of /proc/stat (idle and iowait left out). */
export function parseBusyTicks(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** CPU seconds the whole machine has been busy, every process of every user included. */
export function machineCpuSeconds(): number {
  return parseBusyTicks(readFileSync('/proc/stat', 'utf8')) / clockTicks();
}

/** The memory the kernel could still give out (MemAvailable), in bytes. */
export function availableMemoryBytes(): number {
  return statusKiB(readFileSync('/proc/meminfo', 'utf8'), 'MemAvailable');
}
