import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  setCurrentDetails,
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
import type { ClusterRef } from '../../api/cluster-ref.ts';
import { operationDetails } from '../../plan/current-details.ts';
import { abortedChild, OperationAborted, PreconditionFailed } from './operation-failures.ts';

/** How often a step blocked on a self-clearing failure (a full IP pool) is tried again unasked. */
const selfClearingRecheck = '1 minute';

/** Where an operation reports its progress, besides its own query. */
export interface RunnerOptions {
  /** The cluster workflow that shows this run in its progress query. */
  readonly reportTo?: string | undefined;
  /** The machine a machine run works on. */
  readonly machine?: string;
  /** The cluster it works on, for the CLI commands its Web UI details name. */
  readonly cluster?: ClusterRef;
}

/**
 * Runs an operation's steps with the operator controls every Capstan operation has: a step that
 * fails for good blocks (CapstanPhase=Blocked, reason in the progress query) until `retry` re-runs
 * exactly that step or `abort` ends the operation; `pause` holds it before its next step. `abort`
 * also ends a step that is still running — retrying by itself, or waiting on a machine — by
 * cancelling it: what it built is recorded and the next plan finds it. Steps may run side by side
 * (machines the infrastructure lets build at once): `retry` re-runs every blocked one, `abort`
 * cancels every running one. Create one per operation workflow, before the first step.
 */
export class OperationRunner {
  private progress: OperationProgress;
  private abortReason: string | undefined;
  /** Counts `retry` decisions: a blocked step goes on once the count passes what it saw when it blocked. */
  private retries = 0;
  private paused = false;
  /** The running steps' scopes, all cancelled by an abort. */
  private readonly running = new Set<CancellationScope>();
  /** The steps running now, by name, for "current step". */
  private readonly current: string[] = [];
  /** The steps blocked now, oldest first; the progress shows the oldest. */
  private readonly blockedSteps: BlockedStep[] = [];

  constructor(
    operation: string,
    summary: string,
    steps: readonly string[],
    private readonly options: RunnerOptions = {},
  ) {
    this.progress = { operation, summary, step: 0, steps: steps.length, currentStep: '', phase: 'Running' };
    // The descriptions are what the Web UI lists in its "Send Update" and "Query" dialogs.
    setHandler(progressQuery, () => this.progress, { description: 'Step i of n, the current step, and a blocked step with its error.' });
    setHandler(retryUpdate, () => ({ retried: this.decide('retry') }), {
      description: 'Run the blocked step(s) again, once the cause is fixed. Rejected when nothing is blocked.',
      validator: () => {
        this.assertBlocked('retry');
      },
    });
    setHandler(abortUpdate, (reason: string) => ({ aborted: this.decide({ abort: reason }) }), {
      description:
        'End the operation; the argument is the reason (required, shown on the cluster status). Running steps are cancelled; what was built stays and is found by the next observation.',
      validator: (reason: string) => {
        const phase = this.progress.phase;
        if (phase !== 'Blocked' && phase !== 'Running' && phase !== 'Paused')
          throw new Error(`nothing to abort: the operation is ${phase}`);
        if (reason.trim() === '') throw new Error('say why the operation is aborted: the reason goes on the cluster status');
      },
    });
    setHandler(pauseUpdate, () => this.setPaused(true), {
      description: 'Hold the operation before its next step; the running step finishes.',
    });
    setHandler(resumeUpdate, () => this.setPaused(false), { description: 'Let a paused operation go on with its next step.' });
    this.publish();
  }

  /**
   * Runs one step; blocks on failure until retried (re-runs `run`) or aborted (throws
   * OperationAborted). An uncounted step (an observation before a decision) does not move "step i
   * of n", but blocks, retries and aborts the same way.
   */
  async step<T>(name: string, run: () => Promise<T>, options: { readonly counted?: boolean } = {}): Promise<T> {
    await condition(() => !this.paused || this.abortReason !== undefined);
    this.takeAbort();
    const counted = options.counted ?? true;
    if (counted) {
      // A rollout decides its machines as it goes: the planned count can turn out short.
      const step = this.progress.step + 1;
      this.current.push(name);
      this.progress = { ...this.progress, step, steps: Math.max(step, this.progress.steps), currentStep: this.currentStep() };
      this.publish();
    }
    try {
      for (;;) {
        const scope = new CancellationScope();
        this.running.add(scope);
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
            // A machine aborted from its own run aborts the operation: the steps beside it end too.
            this.decide({ abort: aborted });
            this.progress = { ...this.progress, phase: 'Aborted' };
            this.publish();
            throw new OperationAborted(aborted);
          }
          await this.block(name, error);
        } finally {
          this.running.delete(scope);
        }
      }
    } finally {
      if (counted) {
        this.current.splice(this.current.indexOf(name), 1);
        if (this.progress.phase === 'Running' || this.progress.phase === 'Paused') {
          this.progress = { ...this.progress, currentStep: this.currentStep() || this.progress.currentStep };
          this.publish();
        }
      }
    }
  }

  // "create demo-md-0-1a2b3 (and 2 more)": the oldest running step names the moment.
  private currentStep(): string {
    const [first] = this.current;
    if (first === undefined) return '';
    return this.current.length === 1 ? first : `${first} (and ${this.current.length - 1} more)`;
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
    this.blockedSteps.push(blocked);
    this.showBlocked();
    const seen = this.retries;
    const decided = () => this.retries > seen || this.abortReason !== undefined;
    try {
      // A full pool or full storage clears when others free capacity: look again now and then.
      const selfClearing = selfClearingErrorTypes.includes(blocked.errorType as ErrorType);
      if (selfClearing) await condition(decided, selfClearingRecheck);
      else await condition(decided);
    } finally {
      this.blockedSteps.splice(this.blockedSteps.indexOf(blocked), 1);
    }
    this.takeAbort();
    this.showBlocked();
  }

  // Blocked while any step is; the oldest blocked step is the one shown.
  private showBlocked(): void {
    const [oldest] = this.blockedSteps;
    this.progress =
      oldest === undefined
        ? { ...this.progress, blocked: undefined, phase: this.paused ? 'Paused' : 'Running' }
        : { ...this.progress, phase: 'Blocked', blocked: oldest };
    this.publish();
  }

  private takeAbort(): void {
    if (this.abortReason === undefined) return;
    this.progress = { ...this.progress, phase: 'Aborted' };
    this.publish();
    throw new OperationAborted(this.abortReason);
  }

  /** Records the operator's decision for the blocked (or paused) steps; answers with the step shown. */
  private decide(decision: 'retry' | { abort: string }): string {
    const step = this.progress.blocked?.step ?? this.progress.currentStep;
    if (decision === 'retry') this.retries += 1;
    else {
      this.abortReason = decision.abort;
      for (const scope of this.running) scope.cancel();
    }
    return step;
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
    // Not a command: the Web UI reads it through the metadata query, so it is free to change often.
    setCurrentDetails(operationDetails(this.progress, { cluster: this.options.cluster, machine: this.options.machine }));
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
