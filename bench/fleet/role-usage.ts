// CPU and memory of each part of the stack (the worker, the dev server, …), summed over its
// processes, and a sampler that keeps the highest memory each part reached during a run.
import { processUsage } from './process-usage.ts';

/** One part's CPU seconds so far and its resident memory now. */
export interface RoleUsage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** Usage of every role's processes, summed; a process that has ended counts as nothing. */
export function usageByRole<R extends string>(pids: Record<R, readonly number[]>): Record<R, RoleUsage> {
  const result = {} as Record<R, RoleUsage>;
  for (const role of Object.keys(pids) as R[]) {
    let cpuSeconds = 0;
    let rssBytes = 0;
    for (const pid of pids[role]) {
      const usage = processUsage(pid);
      cpuSeconds += usage?.cpuSeconds ?? 0;
      rssBytes += usage?.rssBytes ?? 0;
    }
    result[role] = { cpuSeconds, rssBytes };
  }
  return result;
}

/** CPU seconds each role used between two readings. */
export function cpuBetween<R extends string>(before: Partial<Record<R, RoleUsage>>, after: Record<R, RoleUsage>): Record<R, number> {
  const result = {} as Record<R, number>;
  for (const role of Object.keys(after) as R[]) result[role] = after[role].cpuSeconds - (before[role]?.cpuSeconds ?? 0);
  return result;
}

/** Reads every role's memory once a second and keeps the highest. */
export function sampleMemory<R extends string>(
  pids: () => Record<R, readonly number[]>,
  everyMs = 1_000,
): { stop(): Partial<Record<R, number>> } {
  const peak: Partial<Record<R, number>> = {};
  const read = (): void => {
    for (const [role, usage] of Object.entries(usageByRole(pids())) as [R, RoleUsage][])
      peak[role] = Math.max(peak[role] ?? 0, usage.rssBytes);
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return peak;
    },
  };
}
