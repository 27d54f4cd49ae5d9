// One registry for every Capstan metric of a process, so /metrics serves exactly Capstan's series
// (and Node's process series) and nothing a library registered on prom-client's global one.
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Where every Capstan metric registers; /metrics serves it. */
export const capstanRegistry = new Registry();

let processMetrics = false;

/** Adds Node's process series (CPU, memory, event-loop lag) once: only a process that serves /metrics needs them. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: capstanRegistry });
}

/** Seconds since `startedAt` (a `performance.now()` reading): what every duration histogram observes. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
