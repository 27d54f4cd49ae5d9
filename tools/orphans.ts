import { readdirSync, readFileSync } from 'node:fs';

/** A live process found by an environment marker. */
export interface MarkedProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Lists live processes whose environment holds `name=value`. Every process the test run starts,
 * directly or through the SDK, inherits the run's marker, so this finds anything left behind.
 */
export function processesWithEnv(name: string, value: string): MarkedProcess[] {
  const needle = `${name}=${value}`;
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // zombies hold nothing
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return found;
}
