// The bench's figures as JSON under bench/results/: one file per run (<ISO time>.json) and
// latest.json, so two runs can be compared (`--compare <file>`).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SectionReport } from './bench-section.ts';
import { formatValue, padColumns } from './table.ts';

/** One run's results file. */
export interface BenchResults {
  readonly format: 'capstan-bench/v1';
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The command line's options, so a comparison shows when two runs measured different things. */
  readonly options: Record<string, unknown>;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryMiB: number;
    readonly loadAverage: readonly number[];
  };
  /** The commit measured (with `-dirty` when the work tree had changes), if git knows. */
  readonly commit?: string;
  readonly sections: readonly SectionReport[];
}

/** The machine the run measured on, and how busy it was at the end. */
export function machineFacts(): BenchResults['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The commit of the work tree, undefined outside git. */
export function currentCommit(dir: string): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: dir, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return undefined;
  }
}

/** Writes `<dir>/<startedAt>.json` and `<dir>/latest.json`; returns the first path. */
export function writeResults(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const path = join(dir, `${results.startedAt.replaceAll(':', '-')}.json`);
  writeFileSync(path, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return path;
}

/** Reads a results file, refusing one that is not. */
export function readResults(path: string): BenchResults {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<BenchResults>;
  if (parsed.format !== 'capstan-bench/v1' || !Array.isArray(parsed.sections))
    throw new Error(`${path} is not a bench results file (format capstan-bench/v1)`);
  return parsed as BenchResults;
}

/** Old vs new for every figure either run has, matched by section and metric. */
export function comparison(before: BenchResults, after: BenchResults): string {
  const key = (section: string, metric: string) => `${section}\u0000${metric}`;
  const old = new Map<string, { value: number; unit: string }>();
  for (const s of before.sections) for (const r of s.rows) old.set(key(s.name, r.metric), r);
  const lines: string[][] = [['section', 'metric', before.startedAt, after.startedAt, 'change']];
  const seen = new Set<string>();
  for (const s of after.sections) {
    for (const r of s.rows) {
      const k = key(s.name, r.metric);
      seen.add(k);
      const was = old.get(k);
      const change =
        was && was.value !== 0 && Number.isFinite(was.value) ? `${(((r.value - was.value) / was.value) * 100).toFixed(0)} %` : '';
      lines.push([s.name, r.metric, was ? formatValue(was.value, was.unit) : '—', formatValue(r.value, r.unit), change]);
    }
  }
  for (const s of before.sections)
    for (const r of s.rows) if (!seen.has(key(s.name, r.metric))) lines.push([s.name, r.metric, formatValue(r.value, r.unit), '—', '']);
  return padColumns(lines);
}
