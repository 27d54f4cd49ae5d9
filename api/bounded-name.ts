import { fnv1a64 } from './hash.ts';

/** Kubernetes label values and DNS labels (hostnames, Node names) are at most 63 characters. */
export const maxLabelLength = 63;

/**
 * `base + suffix`, shortened when it would pass `max` the way Cluster API shortens generated
 * names: the base is cut and a hash of the whole base keeps the result stable and distinct.
 */
export function boundedName(base: string, suffix: string, max = maxLabelLength): string {
  const whole = `${base}${suffix}`;
  if (whole.length <= max) return whole;
  // The low digits: FNV-1a carries a change near the end of the text into the high ones only later.
  const hash = fnv1a64(base).slice(-5);
  return `${base.slice(0, max - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}
