/**
 * Time since `iso` as kubectl prints ages: `45s`, `12m`, `5h`, `3d`. Empty for no time; a time
 * ahead of `now` (workflow clocks in time-skipping tests) reads as `0s`.
 */
export function since(iso: string | undefined, now: Date): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.max(0, Math.floor((now.getTime() - at) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
