// Drives and watches a cluster workflow from a test: start it the way the controller does
// (signalWithStart), and wait on its progress query for Idle, Blocked or Held.
import type { Client, WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import { clusterProgressQuery, desiredClusterSignal, type ClusterProgress } from '../../api/cluster-messages.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { type clusterWorkflow } from '../../workflows/cluster-workflow.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { type ClusterWorkflowState, newClusterState } from '../../api/cluster-workflow-state.ts';

export type ClusterHandle = WorkflowHandleWithSignaledRunId<typeof clusterWorkflow>;

/** Starts (or signals) the cluster workflow with a desired state, as the controller does. */
export function startClusterWorkflow(
  client: Pick<Client, 'workflow'>,
  taskQueue: string,
  desired: DesiredClusterInput,
  state: Partial<ClusterWorkflowState> = {},
): Promise<ClusterHandle> {
  return client.workflow.signalWithStart<typeof clusterWorkflow, [DesiredClusterInput]>('clusterWorkflow', {
    taskQueue,
    workflowId: clusterWorkflowId(desired.namespace, desired.name),
    args: [{ ...newClusterState(desired.namespace, desired.name), ...state }],
    signal: desiredClusterSignal,
    signalArgs: [desired],
  });
}

/** Waits on the progress query of one cluster workflow. */
export class ClusterProbe {
  constructor(private readonly handle: Pick<ClusterHandle, 'query' | 'describe' | 'fetchHistory' | 'client' | 'workflowId'>) {}

  progress(): Promise<ClusterProgress> {
    return this.handle.query(clusterProgressQuery);
  }

  /** Until `operations` operations have run and the cluster is Idle; a Held cluster fails at once with its reason. */
  async settled(operations: number, timeoutMs = 300_000): Promise<ClusterProgress> {
    const now = await eventually(
      async () => {
        const current = await this.progress();
        if (current.phase === 'Held') return current;
        if (current.phase !== 'Idle' || current.operations < operations) throw new Error(`still ${whereItIs(current)}`);
        return current;
      },
      timeoutMs,
      500,
    ).catch(async (error: unknown) => {
      // A step that keeps failing retries quietly: name the failure, so a flake says why it waited.
      const operation = (await this.progress()).operation?.workflowId;
      const pending = operation ? await pendingActivities(this.handle.client.getHandle(operation)) : '';
      throw new Error(`${error instanceof Error ? error.message : String(error)}${pending}`);
    });
    if (now.phase === 'Held') throw new Error(`held: ${now.held ?? ''}`);
    return now;
  }

  /**
   * The workflow's result once the cluster is deleted. It watches the latest run's status rather
   * than awaiting `result()` across the chain of continued-as-new runs: that long poll once never
   * returned from the time-skipping server although the run had completed. If the run has not ended
   * within the timeout, fails with where the deletion stands.
   */
  async deleted(timeoutMs = 240_000): Promise<unknown> {
    const handle = this.handle;
    let closed: Awaited<ReturnType<ClusterHandle['describe']>>;
    try {
      closed = await eventually(
        async () => {
          const description = await handle.describe();
          if (description.status.name === 'RUNNING') throw new Error('still running');
          return description;
        },
        timeoutMs,
        250,
      );
    } catch {
      const events = (await handle.fetchHistory()).events ?? [];
      const tail = events.slice(-6).map((e) => `${String(e.eventId)} ${String(e.eventType)}`);
      throw new Error(`not deleted after ${timeoutMs} ms (last events ${tail.join(', ')}): ${whereItIs(await this.progress())}`);
    }
    return handle.client.getHandle(handle.workflowId, closed.runId).result();
  }

  /** Until some run under the cluster is blocked; returns the first. */
  blocked(timeoutMs = 120_000): Promise<ClusterProgress['blocked'][number]> {
    return eventually(
      async () => {
        const run = (await this.progress()).blocked[0];
        if (!run) throw new Error('nothing blocked yet');
        return run;
      },
      timeoutMs,
      500,
    );
  }

  /** Until the cluster holds (a refused spec or an aborted operation). */
  held(timeoutMs = 60_000): Promise<ClusterProgress> {
    return eventually(
      async () => {
        const now = await this.progress();
        if (now.phase !== 'Held') throw new Error(`still ${now.phase}`);
        return now;
      },
      timeoutMs,
      500,
    );
  }
}

function whereItIs(progress: ClusterProgress): string {
  const operation = progress.operation ? `${progress.operation.summary} ${progress.operation.currentStep}` : 'no operation';
  const blocked = progress.blocked.map((b) => `\nblocked ${b.workflowId} at ${b.step}: ${b.errorType}: ${b.message}`).join('');
  const held = progress.held ? `\nheld: ${progress.held}` : '';
  const recent = progress.recent.map((r) => `\n${r.kind} ${r.summary}: ${r.outcome}`).join('');
  const machines = progress.machines
    .map((m) => `\nmachine ${m.name} ${m.phase}${m.ready ? ' ready' : ''}${m.activity ? ` at ${m.activity}` : ''}`)
    .join('');
  return `${progress.phase} after ${progress.operations} operations: ${operation}${held}${blocked}${recent}${machines}`;
}

/** The operation's pending activities with their attempt and last failure, one per line. */
async function pendingActivities(handle: {
  describe(): Promise<{ raw: { pendingActivities?: PendingActivity[] | null } }>;
}): Promise<string> {
  const { raw } = await handle.describe().catch(() => ({ raw: { pendingActivities: [] } }));
  return (raw.pendingActivities ?? [])
    .map((a) => `\npending ${a.activityType?.name ?? '?'} attempt ${a.attempt ?? '?'}: ${a.lastFailure?.message ?? 'no failure yet'}`)
    .join('');
}

interface PendingActivity {
  readonly activityType?: { readonly name?: string | null } | null;
  readonly attempt?: number | null;
  readonly lastFailure?: { readonly message?: string | null } | null;
}
