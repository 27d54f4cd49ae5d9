import { CapstanCluster, CapstanOperation } from '../../../api/search-attributes.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';
import type { PastRuns } from '../../../plan/duration-estimate.ts';
import { oneLine } from '../cli-error.ts';
import type { TemporalAccess } from '../context.ts';
import { answerTimeoutMs } from './cluster-workflow.ts';

/** The most recent runs of each kind the estimate looks at: recent enough to reflect today's infrastructure. */
const sampleSize = 50;

/** The durations of this cluster's completed runs of one machine workflow, newest first. */
async function durations(temporal: TemporalAccess, ref: ClusterRef, operation: string): Promise<number[]> {
  const query = `${CapstanCluster.name} = '${clusterKey(ref)}' AND ${CapstanOperation.name} = '${operation}' AND ExecutionStatus = 'Completed'`;
  const seconds: number[] = [];
  for await (const run of temporal.client.workflow.list({ query, pageSize: sampleSize })) {
    if (run.closeTime) seconds.push((run.closeTime.getTime() - run.startTime.getTime()) / 1000);
    if (seconds.length >= sampleSize) break;
  }
  return seconds;
}

/**
 * This cluster's past create-machine and delete-machine runs, from Temporal's visibility (the
 * CapstanCluster and CapstanOperation search attributes), or why they could not be listed: the
 * estimate then says it uses defaults, it does not fail the dry run.
 */
export async function readPastRuns(
  temporal: TemporalAccess,
  ref: ClusterRef,
): Promise<{ readonly ok: true; readonly runs: PastRuns } | { readonly ok: false; readonly reason: string }> {
  try {
    const [createMachine, deleteMachine] = await temporal.client.withDeadline(Date.now() + answerTimeoutMs, () =>
      Promise.all([durations(temporal, ref, 'create-machine'), durations(temporal, ref, 'delete-machine')]),
    );
    return { ok: true, runs: { createMachine, deleteMachine } };
  } catch (error) {
    return { ok: false, reason: `past runs could not be listed from ${temporal.address}: ${oneLine(error)}` };
  }
}
