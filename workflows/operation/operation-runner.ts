import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { runProgressSignal } from '../../api/cluster-messages.ts';
import type { ErrorType } from '../../api/errors.ts';
import { selfClearingErrorTypes } from '../../api/errors.ts';
import { CapstanPhase } from '../../api/search-attributes.ts';
import {
  abortUpdate,
  pauseUpdate,
  progressQuery,
  resumeUpdate,
  retryUpdate,
  type BlockedStep,
  type OperationProgress,
} from '../../api/operation-messages.ts';
import { abortedChild, OperationAborted, PreconditionFailed } from './operation-failures.ts';

/** How often a step blocked on a self-clearing failure (a full IP pool) is tried again unasked. */
const selfClearingRecheck = '1 minute';

/** Where an operation reports its progress, besides its own query. */
export interface RunnerOptions {
  /** The cluster workflow that shows this run in its progress query. */
  readonly reportTo?: string | undefined;
  /** The machine a machine run works on. */
  readonly machine?: string;
}

/**
 * Runs an operation's steps in order with the operator controls every Capstan operation has:
 * a step that fails for good blocks (CapstanPhase=Blocked, reason in the progress query) until
 * `retry` re-runs exactly that step or `abort` ends the operation; `pause` holds it between
 * steps. `abort` also ends a step that is still running — retrying by itself, or waiting on a
 * machine — by cancelling it: what it built is recorded and the next plan finds it. Create one per
 * operation workflow, before the first step.
 */
export class OperationRunner {
  private progress: OperationProgress;
  private decision: 'retry' | { abort: string } | undefined;
  private paused = false;
  /** The running step's scope, cancelled by an abort. */
  private running: CancellationScope | undefined;

  constructor(
    operation: string,
    summary: string,
    steps: readonly string[],
    private readonly options: RunnerOptions = {},
  ) {
    this.progress = { operation, summary, step: 0, steps: steps.length, currentStep: '', phase: 'Running' };
    setHandler(progressQuery, () => this.progress);
    setHandler(retryUpdate, () => ({ retried: this.decide('retry') }), {
      validator: () => {
        this.assertBlocked('retry');
      },
    });
    setHandler(abortUpdate, (reason: string) => ({ aborted: this.decide({ abort: reason }) }), {
      validator: (reason: string) => {
        const phase = this.progress.phase;
        if (phase !== 'Blocked' && phase !== 'Running' && phase !== 'Paused')
          throw new Error(`nothing to abort: the operation is ${phase}`);
        if (reason.trim() === '') throw new Error('say why the operation is aborted: the reason goes on the cluster status');
      },
    });
    setHandler(pauseUpdate, () => this.setPaused(true));
    setHandler(resumeUpdate, () => this.setPaused(false));
    this.publish();
  }

  /**
   * Runs one step; blocks on failure until retried (re-runs `run`) or aborted (throws
   * OperationAborted). An uncounted step (an observation before a decision) does not move "step i
   * of n", but blocks, retries and aborts the same way.
   */
  async step<T>(name: string, run: () => Promise<T>, options: { readonly counted?: boolean } = {}): Promise<T> {
    await condition(() => !this.paused || this.decision !== undefined);
    this.takeAbort();
    if (options.counted ?? true) {
      // A rollout decides its batches as it goes: the planned count can turn out short.
      const step = this.progress.step + 1;
      this.progress = { ...this.progress, step, steps: Math.max(step, this.progress.steps), currentStep: name, phase: 'Running' };
      this.publish();
    }
    for (;;) {
      const scope = new CancellationScope();
      this.running = scope;
      try {
        return await scope.run(run);
      } catch (error) {
        // Cancelled by our own abort (not by the parent's cancellation, which has no decision).
        if (isCancellation(error)) this.takeAbort();
        if (error instanceof PreconditionFailed) {
          await this.block(name, error);
          continue;
        }
        if (isCancellation(error) || !(error instanceof ActivityFailure || error instanceof ChildWorkflowFailure)) throw error;
        const aborted = abortedChild(error);
        if (aborted !== undefined) {
          this.progress = { ...this.progress, phase: 'Aborted' };
          this.publish();
          throw new OperationAborted(aborted);
        }
        await this.block(name, error);
      } finally {
        this.running = undefined;
      }
    }
  }

  /** Marks the operation finished. */
  succeed(): void {
    this.progress = { ...this.progress, phase: 'Succeeded', currentStep: '' };
    this.publish();
  }

  private async block(name: string, error: ActivityFailure | ChildWorkflowFailure | PreconditionFailed): Promise<void> {
    const cause = error instanceof PreconditionFailed ? undefined : error.cause instanceof ApplicationFailure ? error.cause : undefined;
    const blocked: BlockedStep = {
      step: name,
      errorType: error instanceof PreconditionFailed ? error.type : (cause?.type ?? error.cause?.name ?? 'Unknown'),
      message: error instanceof PreconditionFailed ? error.message : (cause?.message ?? error.cause?.message ?? error.message),
      since: new Date().toISOString(),
      retryable: true,
    };
    this.progress = { ...this.progress, phase: 'Blocked', blocked };
    this.publish();
    // A full pool or full storage clears when others free capacity: look again now and then.
    const selfClearing = selfClearingErrorTypes.includes(blocked.errorType as ErrorType);
    if (selfClearing) await condition(() => this.decision !== undefined, selfClearingRecheck);
    else await condition(() => this.decision !== undefined);
    this.takeAbort();
    this.decision = undefined;
    this.progress = { ...this.progress, blocked: undefined, phase: this.paused ? 'Paused' : 'Running' };
    this.publish();
  }

  private takeAbort(): void {
    const decision = this.decision;
    if (decision === undefined || decision === 'retry') return;
    this.progress = { ...this.progress, phase: 'Aborted' };
    this.publish();
    throw new OperationAborted(decision.abort);
  }

  /** Records the operator's decision for the blocked (or paused) step; answers with that step. */
  private decide(decision: 'retry' | { abort: string }): string {
    this.decision = decision;
    if (decision !== 'retry') this.running?.cancel();
    return this.progress.currentStep;
  }

  private setPaused(paused: boolean): { paused: boolean } {
    this.paused = paused;
    if (this.progress.phase === 'Running' || this.progress.phase === 'Paused') {
      this.progress = { ...this.progress, phase: paused ? 'Paused' : 'Running' };
      this.publish();
    }
    return { paused };
  }

  private assertBlocked(what: string): void {
    if (this.progress.phase !== 'Blocked') throw new Error(`nothing to ${what}: ${this.progress.operation} is ${this.progress.phase}`);
  }

  // The UI lists runs by these: CapstanPhase for filtering, the memo for the one-line summary.
  private publish(): void {
    upsertSearchAttributes([{ key: CapstanPhase, value: this.progress.phase }]);
    const position = this.progress.steps > 0 ? `, step ${this.progress.step}/${this.progress.steps}` : '';
    upsertMemo({ summary: `${this.progress.summary}${position}`, phase: this.progress.phase });
    this.report();
  }

  private report(): void {
    const reportTo = this.options.reportTo;
    if (reportTo === undefined) return;
    const machine = this.options.machine === undefined ? {} : { machine: this.options.machine };
    const report = { workflowId: workflowInfo().workflowId, ...machine, progress: this.progress };
    // Progress is for display: a cluster workflow that is gone or restarting must not stop the operation.
    getExternalWorkflowHandle(reportTo)
      .signal(runProgressSignal, report)
      .catch(() => undefined);
  }
}
