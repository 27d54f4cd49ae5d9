const unitSeconds: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds of a Go duration as CAPI writes them (`90s`, `10m`, `1h30m`), rounded up; undefined when it is none. */
export function durationSeconds(text: string): number | undefined {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  const seconds = parts.reduce((sum, [, value, unit]) => sum + Number(value) * (unitSeconds[unit ?? ''] ?? 0), 0);
  return Math.ceil(seconds);
}
