// The bench's report: targets and exit codes, section selection, the tables and the comparison
// of two results files.
import { describe, expect, it } from 'vitest';
import { exitCode, meetsTarget, type BenchSection, type SectionReport } from '../../bench/report/bench-section.ts';
import { comparison, type BenchResults } from '../../bench/report/results-file.ts';
import { SectionRunner, selectSections } from '../../bench/report/run-sections.ts';
import { formatTarget, formatValue, markdownTable, textTable } from '../../bench/report/table.ts';

const report = (name: string, value: number, ok = true): SectionReport => ({
  name,
  title: name,
  ok,
  durationMs: 1,
  rows: [{ metric: 'wall / critical path', value, unit: '×', target: { max: 1.1 }, detail: 'a | b' }],
  notes: [],
  ...(ok ? {} : { error: 'boom\nstack' }),
});

describe('targets and exit code', () => {
  it.each([
    [{ metric: 'm', value: 1.1, unit: '×', target: { max: 1.1 } }, true],
    [{ metric: 'm', value: 1.2, unit: '×', target: { max: 1.1 } }, false],
    [{ metric: 'm', value: 40, unit: 'count', target: { min: 50 } }, false],
    [{ metric: 'm', value: Number.NaN, unit: 's', target: { max: 1 } }, false],
    [{ metric: 'm', value: 7, unit: 's' }, true],
  ])('%o keeps its target: %s', (row, expected) => {
    expect(meetsTarget(row)).toBe(expected);
  });

  it('2 for a failed section, else 1 for a missed target, else 0', () => {
    expect(exitCode([report('a', 1), report('b', 1)])).toBe(0);
    expect(exitCode([report('a', 1), report('b', 2)])).toBe(1);
    expect(exitCode([report('a', 2), report('b', 1, false)])).toBe(2);
  });
});

describe('selectSections', () => {
  const sections: BenchSection[] = ['controller', 'provision', 'rolling'].map((name) => ({
    name,
    title: name,
    run: () => Promise.resolve({ rows: [] }),
  }));
  it('keeps the bench order and takes all without --only', () => {
    expect(selectSections(sections, 'rolling, provision').map((s) => s.name)).toEqual(['provision', 'rolling']);
    expect(selectSections(sections, undefined)).toHaveLength(3);
  });
  it('names the sections when one is unknown', () => {
    expect(() => selectSections(sections, 'fleet')).toThrow('--only: no section fleet; the sections are controller, provision, rolling');
  });
});

describe('SectionRunner', () => {
  it('reports a failing section and runs the next; stops shared resources once', async () => {
    let stops = 0;
    const resource = { stop: () => Promise.resolve(void (stops += 1)) };
    const sections: BenchSection[] = [
      {
        name: 'bad',
        title: 'fails',
        run: async (context) => {
          await context.shared('stack', () => Promise.resolve(resource));
          throw new Error('no servers');
        },
      },
      {
        name: 'good',
        title: 'works',
        run: async (context) => {
          expect(await context.shared('stack', () => Promise.reject(new Error('started twice')))).toBe(resource);
          return { rows: [{ metric: 'x', value: 1, unit: 's' }] };
        },
      },
    ];
    const runner = new SectionRunner(() => undefined);
    const reports = await runner.run(sections);
    await Promise.all([runner.stop(), runner.stop()]);
    expect(reports.map((r) => [r.name, r.ok])).toEqual([
      ['bad', false],
      ['good', true],
    ]);
    expect(reports[0]?.error).toContain('no servers');
    expect(stops).toBe(1);
  });
});

describe('tables', () => {
  it('formats values and targets', () => {
    expect(formatValue(1.0432, '×')).toBe('1.04×');
    expect(formatValue(123.4, 's')).toBe('123 s');
    expect(formatValue(12.34, 's')).toBe('12.3 s');
    expect(formatValue(3, 'count')).toBe('3');
    expect(formatValue(Number.NaN, 's')).toBe('n/a');
    expect(formatTarget({ max: 1.1 }, '×')).toBe('≤ 1.10×');
    expect(formatTarget({ min: 50 }, 'count')).toBe('≥ 50');
  });

  it('prints one line per figure, a failed section as one line, and escapes Markdown pipes', () => {
    const reports = [report('provision', 2.5), report('fleet', 0, false)];
    const text = textTable(reports).split('\n');
    expect(text).toHaveLength(3);
    expect(text[1]).toMatch(/^provision\s+wall \/ critical path\s+2\.50×\s+≤ 1\.10×\s+MISSED\s+a \| b$/);
    expect(text[2]).toMatch(/^fleet\s+FAILED\s+boom$/);
    const markdown = markdownTable(reports).split('\n');
    expect(markdown[0]).toBe('| section | metric | value | target | met | detail |');
    expect(markdown[2]).toBe('| provision | wall / critical path | 2.50× | ≤ 1.10× | MISSED | a \\| b |');
  });
});

describe('comparison', () => {
  const results = (startedAt: string, sections: SectionReport[]): BenchResults => ({
    format: 'capstan-bench/v1',
    startedAt,
    finishedAt: startedAt,
    options: {},
    machine: { cpus: 2, cpuModel: 'x', memoryMiB: 1, loadAverage: [] },
    sections,
  });
  it('puts old and new side by side, with figures only one run has', () => {
    const before = results('2026-01-01T00:00:00Z', [report('provision', 2), report('rolling', 1)]);
    const after = results('2026-01-02T00:00:00Z', [report('provision', 1.5), report('upgrade', 1)]);
    const lines = comparison(before, after).split('\n');
    expect(lines[1]).toMatch(/^provision\s+wall \/ critical path\s+2\.00×\s+1\.50×\s+-25 %$/);
    expect(lines[2]).toMatch(/^upgrade\s+wall \/ critical path\s+—\s+1\.00×$/);
    expect(lines[3]).toMatch(/^rolling\s+wall \/ critical path\s+1\.00×\s+—$/);
  });
});
