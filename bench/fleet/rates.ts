// The arithmetic of the fleet figures, apart from the measuring so it can be checked by itself.

/** Things per minute over a wall time in milliseconds. */
export function perMinute(count: number, wallMs: number): number {
  return wallMs > 0 ? (count * 60_000) / wallMs : Number.NaN;
}

/** Things per second over a wall time in milliseconds. */
export function perSecond(count: number, wallMs: number): number {
  return wallMs > 0 ? (count * 1_000) / wallMs : Number.NaN;
}

/** An amount seen over a window, per unit (cluster) and per hour: the window extrapolated linearly. */
export function perUnitHour(amount: number, units: number, windowMs: number): number {
  return units > 0 && windowMs > 0 ? (amount / units) * (3_600_000 / windowMs) : Number.NaN;
}

/** How many cores a process kept busy on average: its CPU seconds over the wall time. */
export function coresBusy(cpuSeconds: number, wallMs: number): number {
  return wallMs > 0 ? cpuSeconds / (wallMs / 1_000) : Number.NaN;
}

/** A process's (or a group's) CPU over one measured interval. */
export interface CpuShare {
  readonly role: string;
  readonly cpuSeconds: number;
}

/** What held a run back, from the CPU each part used. */
export interface Limit {
  /** The part that came closest to what it can use. */
  readonly role: string;
  /** Its busy cores on average. */
  readonly cores: number;
  /** All parts together against the machine's cores. */
  readonly machineBusy: number;
  /** A sentence: which resource bound the run. */
  readonly verdict: string;
}

/**
 * The busiest part bounds the run when the machine's CPU is (nearly) used up: all parts together
 * above 80 % of its cores. Below that the run waited on something other than CPU (timers, polls,
 * I/O, a lock such as SQLite's single writer), and the busiest part is only named.
 */
export function cpuLimit(shares: readonly CpuShare[], wallMs: number, machineCores: number): Limit {
  const ranked = shares.map((s) => ({ role: s.role, cores: coresBusy(s.cpuSeconds, wallMs) })).sort((a, b) => b.cores - a.cores);
  const top = ranked[0];
  const machineBusy = coresBusy(
    shares.reduce((sum, s) => sum + s.cpuSeconds, 0),
    wallMs,
  );
  if (!top) return { role: 'none', cores: 0, machineBusy, verdict: 'nothing measured' };
  const share = `${Math.round((machineBusy / machineCores) * 100)} % of ${machineCores} cores`;
  const verdict =
    machineBusy >= 0.8 * machineCores
      ? `CPU-bound (${share}), mostly ${top.role} at ${top.cores.toFixed(2)} cores`
      : `not CPU-bound (${share}; busiest ${top.role} at ${top.cores.toFixed(2)} cores): waits, polls or I/O`;
  return { role: top.role, cores: top.cores, machineBusy, verdict };
}

/**
 * The shortest wall time a fleet of `clusters` can take when each cluster costs `cpuSecondsPerCluster`
 * of CPU in all (worker, server, simulators) and every core of the machine works for it.
 */
export function cpuBoundSeconds(cpuSecondsPerCluster: number, clusters: number, machineCores: number): number {
  return (cpuSecondsPerCluster * clusters) / machineCores;
}
