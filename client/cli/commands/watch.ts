import type { ClusterProgress } from '../../../api/cluster-messages.ts';
import type { CliContext } from '../context.ts';
import { readClusterWorkflow, type WorkflowView } from '../read/cluster-workflow.ts';
import { hasClusterObject, noWorkflowError } from '../read/unknown-cluster.ts';
import { palette } from '../render/colors.ts';
import { watchFrame } from '../render/watch-frame.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';

/** Flags of `capstan watch`. */
export interface WatchOptions {
  /** Exit 0 once the cluster is Idle (or deleted), 1 when it is Held. */
  readonly untilIdle?: boolean | undefined;
  /** Give up (exit 1) after this long. */
  readonly timeoutSeconds?: number | undefined;
  /** How often the progress query is asked. */
  readonly intervalMs?: number | undefined;
}

const clearScreen = '\x1b[H\x1b[2J';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The exit code `--until-idle` ends with in this phase, or undefined to keep watching. */
function settledCode(ctx: CliContext, progress: ClusterProgress): number | undefined {
  if (progress.phase === 'Idle' || progress.phase === 'Deleted') return 0;
  if (progress.phase !== 'Held') return undefined;
  ctx.io.stderr.write(`capstan: cluster ${progress.cluster} is Held: ${progress.held ?? 'it waits for a new spec'}\n`);
  return 1;
}

/** What an ended workflow means for the watch: deleted (0) or stopped some other way (1). */
function endedCode(ctx: CliContext, workflow: Extract<WorkflowView, { state: 'closed' }>): number {
  const completed = workflow.status === 'COMPLETED';
  ctx.io.stdout.write(
    `the cluster workflow ${workflow.workflowId} ${completed ? 'completed: the cluster was deleted' : `ended: ${workflow.status.toLowerCase()}`}\n`,
  );
  return completed ? 0 : 1;
}

/**
 * `capstan watch <name>`: asks the cluster workflow for its progress about once a second and
 * shows it again when it changed — redrawn in place on a terminal, appended otherwise (logs,
 * CI). Ends on Ctrl-C, or with `--until-idle` when there is nothing more to wait for; with
 * `--until-idle` a Cluster whose workflow the controller has not started yet is waited for.
 */
export async function watchCommand(ctx: CliContext, name: string, options: WatchOptions = {}): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const temporal = await ctx.clients.temporal();
  const colors = palette(ctx.io.color);
  const tty = ctx.io.stdout.isTTY === true;
  const deadline = options.timeoutSeconds === undefined ? undefined : Date.now() + options.timeoutSeconds * 1000;
  let shown: string | undefined;
  let phase = 'not started';
  for (let first = true; ; first = false) {
    if (ctx.io.interrupted.aborted) return options.untilIdle ? 130 : 0;
    const workflow = await readClusterWorkflow(temporal, ref);
    if (workflow.state === 'closed') return endedCode(ctx, workflow);
    if (workflow.state === 'absent') {
      if (shown !== undefined) {
        ctx.io.stderr.write(`capstan: the cluster workflow ${workflow.workflowId} is gone\n`);
        return 1;
      }
      if (first) {
        if (!options.untilIdle || !(await hasClusterObject(ctx.clients, ref))) throw await noWorkflowError(ctx.clients, ref, 'watch');
        ctx.io.stdout.write(`waiting for the controller to start the cluster workflow ${workflow.workflowId}\n`);
      }
    } else {
      const progress = workflow.progress;
      phase = progress.phase;
      const frame = watchFrame(ref, progress, ctx.io.now(), colors);
      // A terminal shows the ages ticking; a log gets a new frame only when the progress changed.
      const key = tty ? frame : JSON.stringify(progress);
      if (key !== shown) {
        ctx.io.stdout.write(tty ? `${clearScreen}${frame}` : `${shown === undefined ? '' : '\n'}${frame}`);
        shown = key;
      }
      const code = options.untilIdle ? settledCode(ctx, progress) : undefined;
      if (code !== undefined) return code;
    }
    if (deadline !== undefined && Date.now() >= deadline) {
      ctx.io.stderr.write(`capstan: cluster ${clusterKey(ref)} is still ${phase} after ${options.timeoutSeconds ?? 0} s\n`);
      return 1;
    }
    await sleep(options.intervalMs ?? 1_000, ctx.io.interrupted);
  }
}
