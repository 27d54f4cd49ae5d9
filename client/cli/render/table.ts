import { visibleLength } from './colors.ts';

/**
 * Aligns rows under headers, kubectl style: columns two spaces apart, the last one unpadded (it
 * holds the long messages), no trailing spaces. Cells may carry ANSI styles.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  styleHeader: (text: string) => string = (t) => t,
): string[] {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => visibleLength(row[column] ?? ''))));
  const line = (row: readonly string[]): string =>
    headers
      .map((_, column) => {
        const cell = row[column] ?? '';
        const last = column === headers.length - 1;
        return last ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell));
      })
      .join('  ')
      .trimEnd();
  return [styleHeader(line(headers)), ...rows.map(line)];
}
