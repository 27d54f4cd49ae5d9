// Runs the chosen sections one after the other, so their figures do not disturb each other; a
// section that fails is reported and the others still run. Shared resources (server stacks) are
// stopped at the end, last started first, also on Ctrl-C.
import type { BenchContext, BenchSection, SectionReport } from './bench-section.ts';

/** The sections to run for `--only a,b` (all when absent); an unknown name is an error naming the known ones. */
export function selectSections(all: readonly BenchSection[], only: string | undefined): BenchSection[] {
  if (only === undefined || only.trim() === '') return [...all];
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new Error(`--only: no section ${unknown.join(', ')}; the sections are ${all.map((s) => s.name).join(', ')}`);
  return all.filter((s) => names.includes(s.name));
}

/** A run of sections and the stop of everything they left running. */
export class SectionRunner {
  readonly #shared = new Map<string, Promise<{ stop(): Promise<void> }>>();
  readonly #interrupts = new Set<() => Promise<void>>();
  #stopping: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** Runs each section; never throws for a section's failure. */
  async run(sections: readonly BenchSection[]): Promise<SectionReport[]> {
    const reports: SectionReport[] = [];
    for (const section of sections) {
      if (this.#stopping) break;
      this.log(`\n== ${section.name}: ${section.title}`);
      const started = Date.now();
      try {
        const result = await section.run(this.#context(section.name));
        reports.push({
          name: section.name,
          title: section.title,
          ok: true,
          durationMs: Date.now() - started,
          rows: result.rows,
          notes: result.notes ?? [],
        });
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.log(`${section.name} failed: ${message}`);
        reports.push({
          name: section.name,
          title: section.title,
          ok: false,
          error: message,
          durationMs: Date.now() - started,
          rows: [],
          notes: [],
        });
      }
    }
    return reports;
  }

  /** Stops what a section is doing and every shared resource; once only. */
  stop(): Promise<void> {
    return (this.#stopping ??= (async () => {
      for (const stop of [...this.#interrupts])
        await stop().catch((error: unknown) => {
          this.log(`while stopping: ${String(error)}`);
        });
      for (const resource of [...this.#shared.values()].reverse()) {
        await resource
          .then(
            (r) => r.stop(),
            () => undefined,
          )
          .catch((error: unknown) => {
            this.log(`while stopping: ${String(error)}`);
          });
      }
    })());
  }

  #context(name: string): BenchContext {
    return {
      log: (line) => {
        this.log(`  ${line}`);
      },
      shared: <T extends { stop(): Promise<void> }>(key: string, start: () => Promise<T>): Promise<T> => {
        let resource = this.#shared.get(key) as Promise<T> | undefined;
        if (resource === undefined) {
          this.log(`  starting ${key} (for ${name})…`);
          resource = start();
          this.#shared.set(key, resource);
        }
        return resource;
      },
      onInterrupt: (stop) => {
        this.#interrupts.add(stop);
        return () => {
          this.#interrupts.delete(stop);
        };
      },
    };
  }
}
