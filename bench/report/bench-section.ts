// What every bench section hands the report: rows of figures, each optionally with a target. A
// section (controller latency, provision, fleet, …) only measures; printing, the JSON file, the
// comparison with an earlier run and the exit code are the report's.

/** A bound a figure must keep: at most `max`, at least `min`. */
export interface Target {
  readonly max?: number;
  readonly min?: number;
}

/** One figure of a section. */
export interface BenchRow {
  /** What was measured, short: `wall / critical path`, `p99 patch → signal`. */
  readonly metric: string;
  readonly value: number;
  /** `s`, `×`, `count`, `MiB`, …; `×` for ratios. */
  readonly unit: string;
  readonly target?: Target;
  /** What the figure is made of, for the reader: `92.1 s / 38.4 s`. */
  readonly detail?: string;
}

/** What a section's run returns. */
export interface SectionResult {
  readonly rows: readonly BenchRow[];
  /** Sentences that explain the figures (what the critical path counts, what was left out). */
  readonly notes?: readonly string[];
}

/** What the bench gives a running section. */
export interface BenchContext {
  /** Progress output (a line). */
  readonly log: (line: string) => void;
  /**
   * A resource several sections use (a server stack), started by the first that asks for it and
   * stopped when the bench ends or is interrupted.
   */
  shared<T extends { stop(): Promise<void> }>(key: string, start: () => Promise<T>): Promise<T>;
  /** Registers what to stop on Ctrl-C while the section runs; returns the unregistration. */
  onInterrupt(stop: () => Promise<void>): () => void;
}

/** One part of `npm run bench`, selectable with `--only <name>`. */
export interface BenchSection {
  /** Selector: kebab-case, e.g. `provision`. */
  readonly name: string;
  /** One line: what it measures and on what. */
  readonly title: string;
  run(context: BenchContext): Promise<SectionResult>;
}

/** How a section's run ended. */
export interface SectionReport {
  readonly name: string;
  readonly title: string;
  readonly ok: boolean;
  /** Why the section failed (the bench then exits 2). */
  readonly error?: string;
  readonly durationMs: number;
  readonly rows: readonly BenchRow[];
  readonly notes: readonly string[];
}

/** Whether a row keeps its target (a row without one always does). */
export function meetsTarget(row: BenchRow): boolean {
  const { target } = row;
  if (target === undefined) return true;
  if (!Number.isFinite(row.value)) return false;
  return (target.max === undefined || row.value <= target.max) && (target.min === undefined || row.value >= target.min);
}

/** `npm run bench`'s exit code: 2 when a section failed, 1 when a target was missed, else 0. */
export function exitCode(reports: readonly SectionReport[]): 0 | 1 | 2 {
  if (reports.some((r) => !r.ok)) return 2;
  return reports.some((r) => r.rows.some((row) => !meetsTarget(row))) ? 1 : 0;
}
