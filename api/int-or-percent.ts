import type { IntOrPercent } from './desired-cluster.ts';

/** The percentage of a `25%`-style value; undefined for a plain count. */
export const percentOf = (value: IntOrPercent): number | undefined => (typeof value === 'string' ? Number(value.slice(0, -1)) : undefined);

/** An int-or-percent as a count of `total`, as Kubernetes' GetScaledValueFromIntOrPercent does it. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  const p = percentOf(value);
  if (p === undefined) return value as number;
  return roundUp ? Math.ceil((p * total) / 100) : Math.floor((p * total) / 100);
}

/** Rounded down, as maxUnavailable and maxUnhealthy are. */
export const scaledDown = (value: IntOrPercent, total: number): number => scaledValue(value, total, false);
