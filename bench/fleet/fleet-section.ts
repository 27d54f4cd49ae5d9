// The fleet section of `npm run bench`: fleet scale, orchestration overhead and idle cost as rows
// of the one table (and results file) every section reports to. The knee and each size's verdict
// (what limited it) are the section's notes.
import type { BenchRow, BenchSection } from '../report/bench-section.ts';
import { measureFleet, overheadTarget, type FleetJson, type FleetOptions } from './measure-fleet.ts';

/** What the fleet section measures: the cluster counts and how long each may take. */
export type FleetSettings = Omit<FleetOptions, 'log' | 'stackReady'>;

/** The fleet section, configured. */
export function fleetSection(settings: FleetSettings): BenchSection {
  return {
    name: 'fleet',
    title: `fleet: ${(settings.sizes ?? []).join(', ')} clusters of 1 control plane + 2 workers at once, one worker process, dev server (SQLite), zero-latency simulators in light mode`,
    async run(context) {
      let unregister: (() => void) | undefined;
      const { json } = await measureFleet({
        ...settings,
        log: context.log,
        stackReady: (stop) => {
          unregister?.();
          unregister = context.onInterrupt(stop);
        },
      });
      unregister?.();
      return { rows: fleetBenchRows(json), notes: fleetNotes(json) };
    },
  };
}

/** The figures of each size that finished, the overhead against its target, and the idle cost. */
export function fleetBenchRows(json: FleetJson): BenchRow[] {
  const rows: BenchRow[] = [];
  const add = (metric: string, value: number | undefined, unit: string, extra: Partial<BenchRow> = {}): void => {
    if (value !== undefined && Number.isFinite(value)) rows.push({ metric, value, unit, ...extra });
  };
  for (const size of json.sizes) {
    const n = size.clusters;
    if (size.broke) {
      add(`${n} clusters: provisioned before it broke`, size.provisioned, 'count', { detail: size.broke });
      continue;
    }
    add(`${n} clusters: wall`, size.wallSeconds, 's');
    add(`${n} clusters: clusters per minute`, size.clustersPerMinute, '/min');
    add(`${n} clusters: activities per second`, size.activitiesPerSecond, '/s');
    add(`${n} clusters: worker CPU per cluster`, size.workerCpuSecondsPerCluster, 's');
    add(`${n} clusters: worker memory per cluster`, size.workerRssMiBPerCluster, 'MiB', {
      ...(size.workerPeakRssMiB === undefined ? {} : { detail: `peak ${size.workerPeakRssMiB.toFixed(0)} MiB` }),
    });
    add(`${n} clusters: simulators' memory per cluster`, size.simRssMiBPerCluster, 'MiB');
    add(`${n} clusters: history events per machine`, size.historyEventsPerMachine, 'count', {
      ...(size.bare ? { detail: `bare Temporal ${size.bare.historyEventsPerMachine.toFixed(0)}` } : {}),
    });
    if (size.overhead !== undefined && size.bare)
      add(`${n} clusters: Capstan / bare Temporal`, size.overhead, '×', {
        target: { max: overheadTarget },
        detail: `${(size.wallSeconds ?? Number.NaN).toFixed(1)} s / ${size.bare.wallSeconds.toFixed(1)} s`,
      });
  }
  const idle = json.idle;
  if (idle) {
    const detail = `${idle.clusters} idle clusters over ${idle.windowSeconds.toFixed(0)} s`;
    add('idle: worker CPU per cluster-hour', idle.workerCpuSecondsPerClusterHour, 's', { detail });
    add('idle: dev server CPU per cluster-hour', idle.devServerCpuSecondsPerClusterHour, 's', { detail });
    add('idle: simulators CPU per cluster-hour', idle.simCpuSecondsPerClusterHour, 's', { detail });
    add('idle: history events per cluster-hour', idle.historyEventsPerClusterHour, 'count', { detail });
  }
  return rows;
}

/** What limited each size, where the slowest activities were, and the knee. */
export function fleetNotes(json: FleetJson): string[] {
  const notes: string[] = [];
  for (const size of json.sizes) {
    if (size.limit?.verdict) notes.push(`${size.clusters} clusters: ${size.limit.verdict}`);
    if (size.slowestActivities)
      notes.push(
        `${size.clusters} clusters, time per cluster by activity: ${size.slowestActivities
          .map((a) => `${a.type} ${a.seconds.toFixed(1)} s (${a.count}×${a.retries > 0 ? `, ${a.retries} retries` : ''})`)
          .join(', ')}`,
      );
  }
  if (json.knee) notes.push(`knee: ${json.knee}`);
  return notes;
}
