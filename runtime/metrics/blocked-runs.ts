// How many runs wait on a blocked step, read from Temporal's visibility at each scrape: the runs
// themselves publish CapstanPhase=Blocked (workflows/operation/operation-runner.ts), so the number
// is what the server knows now, whichever worker ran them and however often they were replayed.
import { Gauge } from 'prom-client';
import { CapstanPhase } from '../../api/search-attributes.ts';
import { capstanRegistry } from './metrics-registry.ts';

/** The visibility query of the runs waiting on a blocked step; a run ended while blocked keeps its phase, so only running ones count. */
export const blockedRunsQuery = `${CapstanPhase.name} = "Blocked" AND ExecutionStatus = "Running"`;

/** Counts the runs a visibility query matches (WorkflowClient.count). */
export type CountRuns = (query: string) => Promise<{ readonly count: number }>;

let countRuns: CountRuns | undefined;

new Gauge({
  name: 'capstan_runs_blocked',
  help: 'Operation and machine runs waiting on a blocked step (CapstanPhase=Blocked) in the namespace, from Temporal visibility; NaN when visibility did not answer.',
  registers: [capstanRegistry],
  async collect() {
    if (countRuns === undefined) return;
    try {
      this.set((await countRuns(blockedRunsQuery)).count);
    } catch {
      this.set(Number.NaN);
    }
  },
});

/** Reports blocked runs through `count` until the returned function is called. */
export function watchBlockedRuns(count: CountRuns): () => void {
  countRuns = count;
  return () => {
    if (countRuns === count) countRuns = undefined;
  };
}
