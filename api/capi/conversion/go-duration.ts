import { ConversionError } from './conversion-error.ts';

// Go's time.ParseDuration units, in seconds.
const unitSeconds: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** The length of a Go duration string (`90s`, `1h30m`, `1.5s`) in seconds, fractions kept. */
export function parseGoDuration(text: string, field: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new ConversionError(field, `"${text}" is not a duration like 90s or 10m`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (unitSeconds[unit ?? ''] ?? 0), 0);
}

/** v1beta2's whole seconds from a v1beta1 duration: the fraction is dropped, as CAPI's conversion does. */
export function durationToSeconds(text: string, field: string): number {
  return Math.trunc(parseGoDuration(text, field));
}

/** Whole seconds written the way Go's Duration.String writes them (120 → `2m0s`), as CAPI's v1beta1 reads back. */
export function secondsToDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  const total = Math.abs(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return `${sign}${hours}h${minutes}m${rest}s`;
  if (minutes > 0) return `${sign}${minutes}m${rest}s`;
  return `${sign}${rest}s`;
}
