import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { abortUpdate, pauseUpdate, resumeUpdate, retryUpdate } from '../../../api/operation-messages.ts';
import { CliError, oneLine } from '../cli-error.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import { explainTemporalError } from '../connect/temporal.ts';
import type { CliContext, TemporalAccess } from '../context.ts';
import { answerTimeoutMs } from '../read/cluster-workflow.ts';
import { runningCluster } from '../read/running-cluster.ts';
import { operationText } from '../render/status-cells.ts';
import { doingText, nextStepHint } from '../render/doing-text.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

/** Sends one operator update to a run and waits for its answer; a refusal becomes a CliError. */
export async function sendUpdate<R>(
  temporal: TemporalAccess,
  workflowId: string,
  what: string,
  call: (handle: ReturnType<TemporalAccess['client']['workflow']['getHandle']>) => Promise<R>,
): Promise<R> {
  const handle = temporal.client.workflow.getHandle(workflowId);
  try {
    return await temporal.client.withDeadline(Date.now() + 3 * answerTimeoutMs, () => call(handle));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError)
      throw new CliError(
        `${workflowId} refused ${what}: ${oneLine(error.cause ?? error)}`,
        'capstan describe cluster shows where it stands now',
        { cause: error },
      );
    if (error instanceof WorkflowNotFoundError)
      throw new CliError(`${workflowId} is not running (it may have just ended)`, 'capstan describe cluster shows what runs now', {
        cause: error,
      });
    throw explainTemporalError(error, temporal, `sending ${what} to ${workflowId}`);
  }
}

const cli = (command: string, ref: ClusterRef, extra = ''): string => `capstan ${command} ${ref.name}${namespaceFlag(ref)}${extra}`;

/** `capstan retry <name>`: re-runs the blocked step of every blocked run (or of `--run`). */
export async function retryCommand(ctx: CliContext, name: string, options: { readonly run?: string | undefined } = {}): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const { temporal, progress } = await runningCluster(ctx.clients, ref, 'retry');
  const runs = options.run !== undefined ? [options.run] : progress.blocked.map((b) => b.workflowId);
  if (runs.length === 0)
    throw new CliError(
      `nothing to retry: ${doingText(ref, progress)}`,
      `only a blocked step can be retried; ${nextStepHint(ref, progress)}`,
    );
  for (const run of runs) {
    const { retried } = await sendUpdate(temporal, run, 'retry', (h) => h.executeUpdate(retryUpdate));
    ctx.io.stdout.write(`retried "${retried}" on ${run}\n`);
  }
  return 0;
}

/** `capstan abort <name> --reason`: ends the blocked runs (or `--run`), or the running or paused operation, leaving what is done described. */
export async function abortCommand(
  ctx: CliContext,
  name: string,
  options: { readonly reason?: string | undefined; readonly run?: string | undefined },
): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const reason = options.reason?.trim() ?? '';
  if (reason === '')
    throw new CliError(
      'abort needs a reason: --reason "<why>"',
      `the reason goes on the cluster status and explains the held cluster, e.g. ${cli('abort', ref, ' --reason "the guard pod must stay until Monday"')}`,
    );
  const { temporal, progress } = await runningCluster(ctx.clients, ref, 'abort');
  // Blocked runs first (a blocked machine run ends its operation); otherwise the operation itself,
  // whether it waits, retries by itself or is paused: its running step is cancelled.
  const runs =
    options.run !== undefined
      ? [options.run]
      : progress.blocked.length > 0
        ? progress.blocked.map((b) => b.workflowId)
        : progress.operation
          ? [progress.operation.workflowId]
          : [];
  if (runs.length === 0) throw new CliError(`nothing to abort: ${doingText(ref, progress)}`, nextStepHint(ref, progress));
  for (const run of runs) {
    const { aborted } = await sendUpdate(temporal, run, 'abort', (h) => h.executeUpdate(abortUpdate, { args: [reason] }));
    ctx.io.stdout.write(`aborted ${run}${aborted ? ` at "${aborted}"` : ''}\n`);
  }
  ctx.io.stdout.write(`the cluster is held until its spec changes; ${cli('describe cluster', ref)} shows what was left\n`);
  return 0;
}

/** `capstan pause <name>` and `capstan resume <name>`: hold the running operation before its next step, or let it go on. */
export async function pauseCommand(ctx: CliContext, name: string, pause: boolean): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const verb = pause ? 'pause' : 'resume';
  const { temporal, progress } = await runningCluster(ctx.clients, ref, verb);
  const operation = progress.operation;
  if (!operation) {
    const hint = pause
      ? 'pause holds a running operation between steps; to keep Capstan from starting any, set spec.paused: true on the Cluster'
      : nextStepHint(ref, progress);
    throw new CliError(`nothing to ${verb}: ${doingText(ref, progress)}`, hint);
  }
  const { paused } = await sendUpdate(temporal, operation.workflowId, verb, (h) => h.executeUpdate(pause ? pauseUpdate : resumeUpdate));
  const what = operationText(operation);
  ctx.io.stdout.write(
    paused ? `paused ${what}: it holds before its next step; ${cli('resume', ref)} lets it go on\n` : `resumed ${what}\n`,
  );
  return 0;
}
