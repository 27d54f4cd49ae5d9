import { clusterProgressQuery, type ClusterProgress } from '../../../api/cluster-messages.ts';
import { CliError } from '../cli-error.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import type { CliClients, TemporalAccess } from '../context.ts';
import { ask, lookupClusterWorkflow } from './cluster-workflow.ts';
import { noWorkflowError } from './unknown-cluster.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';

/** A cluster whose workflow runs, with its progress: what the operator commands act on. */
export interface RunningCluster {
  readonly ref: ClusterRef;
  readonly temporal: TemporalAccess;
  readonly progress: ClusterProgress;
}

/** The running cluster workflow's progress, or the error that says why there is none (`doing`: "retry"). */
export async function runningCluster(clients: CliClients, ref: ClusterRef, doing: string): Promise<RunningCluster> {
  const temporal = await clients.temporal();
  const found = await lookupClusterWorkflow(temporal, ref);
  if (found.state === 'absent') throw await noWorkflowError(clients, ref, doing);
  if (found.state === 'closed') {
    throw new CliError(
      `the cluster workflow of ${clusterKey(ref)} has ended (${found.status.toLowerCase()}): there is nothing to ${doing}`,
      `capstan describe cluster ${ref.name}${namespaceFlag(ref)} shows what is left`,
    );
  }
  return { ref, temporal, progress: await ask(temporal, found, clusterProgressQuery) };
}
