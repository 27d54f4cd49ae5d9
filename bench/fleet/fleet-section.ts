// The fleet section of `npm run bench`: runs the measurement, prints its table and writes its
// figures as JSON under bench/results/ (fleet-<time>.json) so two runs can be compared.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureFleet, type FleetOptions } from './measure-fleet.ts';

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** Runs the fleet section; 1 when the overhead misses its target, 0 otherwise. */
export async function runFleetSection(
  options: Omit<FleetOptions, 'log' | 'stackReady'>,
  stackReady: (stop: () => Promise<void>) => void,
): Promise<number> {
  const bad = (options.sizes ?? []).filter((n) => !Number.isInteger(n) || n < 1);
  if (bad.length > 0) throw new Error(`--fleet takes cluster counts like 50,100,200,500, not ${bad.join(',')}`);
  console.log('fleet: clusters of 1 control plane + 2 workers at once, one worker process, dev server (SQLite), zero-latency simulators');
  const { rows, json } = await measureFleet({
    ...options,
    log: (line) => {
      console.log(`  ${line}`);
    },
    stackReady,
  });
  for (const row of rows) {
    const target = row.target ? `   target ${row.target}${row.met === false ? ' MISSED' : ''}` : '';
    console.log(`  ${row.measurement.padEnd(26)} ${row.value}${target}`);
  }
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}fleet-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`  figures in ${file}`);
  return rows.some((row) => row.met === false) ? 1 : 0;
}
