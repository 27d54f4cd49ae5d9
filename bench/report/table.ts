// The bench's figures as a compact text table (the terminal) and as a Markdown table (README).
import { meetsTarget, type BenchRow, type SectionReport, type Target } from './bench-section.ts';

/** A value with its unit, rounded for reading. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = Number.isInteger(value) && unit !== '×' && unit !== 's' ? String(value) : value.toFixed(digits);
  if (unit === '×') return `${text}×`;
  return unit === '' || unit === 'count' ? text : `${text} ${unit}`;
}

/** A target as `≤ 1.10×`, `≥ 40`, or `1–2 s`. */
export function formatTarget(target: Target | undefined, unit: string): string {
  if (target === undefined) return '';
  if (target.max !== undefined && target.min !== undefined) return `${formatValue(target.min, unit)} – ${formatValue(target.max, unit)}`;
  if (target.max !== undefined) return `≤ ${formatValue(target.max, unit)}`;
  return target.min === undefined ? '' : `≥ ${formatValue(target.min, unit)}`;
}

function verdict(row: BenchRow): string {
  if (row.target === undefined) return '';
  return meetsTarget(row) ? 'ok' : 'MISSED';
}

/** Table cells per row, sections in order; a failed section is one row saying why. */
function cells(reports: readonly SectionReport[]): string[][] {
  return reports.flatMap((report) =>
    report.ok
      ? report.rows.map((row) => [
          report.name,
          row.metric,
          formatValue(row.value, row.unit),
          formatTarget(row.target, row.unit),
          verdict(row),
          row.detail ?? '',
        ])
      : [[report.name, 'FAILED', '', '', '', (report.error ?? '').split('\n')[0] ?? '']],
  );
}

const header = ['section', 'metric', 'value', 'target', '', 'detail'];

/** Lines of cells as text: every column as wide as its widest cell, two spaces between. */
export function padColumns(lines: readonly (readonly string[])[]): string {
  const widths = (lines[0] ?? []).map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines
    .map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The text table: columns padded, one line per figure. */
export function textTable(reports: readonly SectionReport[]): string {
  return padColumns([header, ...cells(reports)]);
}

/** The Markdown table, for the README's "Benchmarks" section. */
export function markdownTable(reports: readonly SectionReport[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const lines = [`| ${header.map((h) => (h === '' ? 'met' : h)).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of cells(reports)) lines.push(`| ${row.map(escape).join(' | ')} |`);
  return lines.join('\n');
}
