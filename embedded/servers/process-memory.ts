// What simulated clusters cost in memory, from the kernel's own count (VmRSS of /proc/<pid>/status):
// the figure bench and probes print per cluster, for either kube-apiserver mode.
import { readFileSync } from 'node:fs';

/** Resident memory of a process in MiB; 0 once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const kib = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? 0 : Number(kib) / 1024;
  } catch {
    return 0;
  }
}

/** Memory of the processes behind some simulated clusters. */
export interface SimClusterMemory {
  readonly clusters: number;
  /** RSS of each process (MiB, rounded to 0.1), by pid. */
  readonly processes: Readonly<Record<number, number>>;
  /** Sum of the processes' RSS plus `extraMiB` (MiB). */
  readonly totalMiB: number;
  readonly perClusterMiB: number;
}

const tenth = (value: number): number => Math.round(value * 10) / 10;

/**
 * The memory of `pids` (a starter's `processIds()`, each counted once) shared by `clusters`
 * simulated clusters; `extraMiB` adds what the caller measured itself (the simulator's growth).
 */
export function simClusterMemory(pids: readonly number[], clusters: number, extraMiB = 0): SimClusterMemory {
  const processes: Record<number, number> = {};
  for (const pid of new Set(pids)) processes[pid] = tenth(rssMiB(pid));
  const totalMiB = Object.values(processes).reduce((sum, value) => sum + value, extraMiB);
  return { clusters, processes, totalMiB: tenth(totalMiB), perClusterMiB: clusters > 0 ? tenth(totalMiB / clusters) : 0 };
}
