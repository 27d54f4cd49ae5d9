const parts = (version: string): number[] =>
  version
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);

function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The oldest of some `v1.33.4`-style versions (empty ones ignored); empty when none. */
export function oldest(versions: readonly (string | undefined)[]): string {
  return versions.filter((v): v is string => v !== undefined && v !== '').sort(compare)[0] ?? '';
}

/** `v1.33.4`, or `v1.33.4→v1.34.2` while the running version differs from the wanted one. */
export function versionChange(running: string | undefined, wanted: string | undefined): string {
  if (!running) return wanted ?? '';
  if (!wanted || wanted === running) return running;
  return `${running}→${wanted}`;
}
