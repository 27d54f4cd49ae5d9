// `npm run bench`: Capstan's measurements, side by side, as ratios to their targets. Starts and
// stops every server it needs; prints a table, writes the same figures to bench/results/
// (<ISO time>.json and latest.json). Exits 1 when a figure misses its target, 2 when the bench
// itself fails. `--help` lists the options.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { projectDir } from '../tools/tool-paths.ts';
import { exitCode } from './report/bench-section.ts';
import { comparison, currentCommit, machineFacts, readResults, writeResults, type BenchResults } from './report/results-file.ts';
import { SectionRunner, selectSections } from './report/run-sections.ts';
import { markdownTable, textTable } from './report/table.ts';
import { defaultPollMs } from './ops/ops-settings.ts';
import { benchSections } from './sections.ts';

const usage = `npm run bench -- [options]
  --only a,b            run only these sections (controller, provision, rolling, upgrade, fleet)
  --compare <file>      print this run next to an earlier results file (e.g. bench/results/latest.json)
  --markdown            also print the table as Markdown (the README's "Benchmarks" section)
  --results-dir <dir>   where the results go (default bench/results)
  --scale <x>           simulators' durations × x for provision, rolling, upgrade (default 0.1)
  --poll-ms <n>         the worker's poll for waits (default 2000 × scale)
  --workers <n>         provision: workers beside 3 control planes (default 10)
  --rolling-replicas <n>, --max-surge <n>   rolling: workers and surge (default 6, 2)
  --changes <n>, --warmup <n>, --gap-ms <n>  controller latency (default 200, 5, 0)
  --fleet a,b,…         fleet: cluster counts, each on a fresh stack (default 50,100,200,500)
  --fleet-timeout <s>   fleet: how long one size may take before it counts as broken (default 300)
  --fleet-idle-size <n>, --fleet-idle-seconds <s>  fleet: the idle window's clusters (default: the smallest size) and length (default 180)`;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        compare: { type: 'string' },
        markdown: { type: 'boolean', default: false },
        'results-dir': { type: 'string', default: join(projectDir, 'bench', 'results') },
        scale: { type: 'string', default: '0.1' },
        'poll-ms': { type: 'string' },
        workers: { type: 'string', default: '10' },
        'rolling-replicas': { type: 'string', default: '6' },
        'max-surge': { type: 'string', default: '2' },
        changes: { type: 'string', default: '200' },
        warmup: { type: 'string', default: '5' },
        'gap-ms': { type: 'string', default: '0' },
        fleet: { type: 'string', default: '50,100,200,500' },
        'fleet-timeout': { type: 'string', default: '300' },
        'fleet-idle-size': { type: 'string' },
        'fleet-idle-seconds': { type: 'string', default: '180' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }
})();

type NumberOption =
  | 'scale'
  | 'poll-ms'
  | 'workers'
  | 'rolling-replicas'
  | 'max-surge'
  | 'changes'
  | 'warmup'
  | 'gap-ms'
  | 'fleet-timeout'
  | 'fleet-idle-size'
  | 'fleet-idle-seconds';
const number = (name: NumberOption, { whole = true, min = 0 } = {}): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min)
    throw new UsageError(`--${name} must be ${whole ? 'a whole number' : 'a number'} of at least ${min}, not ${String(values[name])}`);
  return value;
};

/** A bad command line: said in one line, with the usage, not as a stack trace. */
class UsageError extends Error {}

// The worker logs every state change, only errors matter here; and the SDK must not stop the
// worker on a signal by itself: the handler below stops the whole stack in order.
Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });

const log = (line: string): void => {
  console.log(line);
};
const runner = new SectionRunner(log);
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the servers…`);
    void runner.stop().finally(() => process.exit(130));
  });
}

/** `--fleet 50,100`: whole cluster counts of at least 1. */
function fleetSizes(text: string): number[] {
  const sizes = text.split(',').map((part) => Number(part.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(`--fleet takes cluster counts like 50,100,200,500, not ${text}`);
  return sizes;
}

async function main(): Promise<number> {
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const scale = number('scale', { whole: false, min: 0.001 });
  const select = (all: Parameters<typeof selectSections>[0]) => {
    try {
      return selectSections(all, values.only);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  };
  const sections = select(
    benchSections({
      controller: { changes: number('changes'), warmup: number('warmup'), gapMs: number('gap-ms') },
      ops: { scale, pollMs: values['poll-ms'] === undefined ? defaultPollMs(scale) : number('poll-ms', { min: 1 }) },
      provisionWorkers: number('workers'),
      rollingReplicas: number('rolling-replicas', { min: 1 }),
      rollingMaxSurge: number('max-surge', { min: 1 }),
      fleet: {
        sizes: fleetSizes(values.fleet),
        timeoutSeconds: number('fleet-timeout', { min: 1 }),
        idleSeconds: number('fleet-idle-seconds'),
        ...(values['fleet-idle-size'] === undefined ? {} : { idleSize: number('fleet-idle-size', { min: 1 }) }),
      },
    }),
  );
  const earlier = values.compare === undefined ? undefined : readResults(values.compare);
  const startedAt = new Date().toISOString();
  let reports;
  try {
    reports = await runner.run(sections);
  } finally {
    await runner.stop();
  }
  const commit = currentCommit(projectDir);
  const results: BenchResults = {
    format: 'capstan-bench/v1',
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { ...values },
    machine: machineFacts(),
    ...(commit === undefined ? {} : { commit }),
    sections: reports,
  };
  const file = writeResults(values['results-dir'], results);
  console.log(`\n${textTable(reports)}\n`);
  for (const report of reports) for (const note of report.notes) console.log(`${report.name}: ${note}`);
  if (values.markdown) console.log(`\n${markdownTable(reports)}`);
  if (earlier) console.log(`\ncompared with ${values.compare ?? ''}:\n${comparison(earlier, results)}`);
  console.log(`\nresults: ${file} (and latest.json)`);
  return exitCode(reports);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (interrupted) return; // the signal handler exits once the servers are down
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage}`);
      process.exit(2);
    }
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
