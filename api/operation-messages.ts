import { defineQuery, defineUpdate } from '@temporalio/workflow';

/** Where a blocked step stands, in words an operator can act on. */
export interface BlockedStep {
  readonly step: string;
  /** The failure type from api/errors.ts, or `Unknown`. */
  readonly errorType: string;
  readonly message: string;
  /** ISO time the step blocked (workflow time). */
  readonly since: string;
  /** Whether re-running the step is safe; a step that is not says why in `message`. */
  readonly retryable: boolean;
}

/** What an operation reports while it runs: the `progress` query's answer. */
export interface OperationProgress {
  readonly operation: string;
  readonly summary: string;
  readonly step: number;
  readonly steps: number;
  readonly currentStep: string;
  readonly phase: 'Running' | 'Blocked' | 'Paused' | 'Succeeded' | 'Aborted';
  readonly blocked?: BlockedStep | undefined;
}

/** Re-runs exactly the blocked step; rejected when nothing is blocked. */
export const retryUpdate = defineUpdate<{ readonly retried: string }>('retry');

/** Ends a blocked or paused operation, leaving what is done in place and described. */
export const abortUpdate = defineUpdate<{ readonly aborted: string }, [reason: string]>('abort');

/** Holds the operation before its next step. */
export const pauseUpdate = defineUpdate<{ readonly paused: boolean }>('pause');

/** Lets a paused operation go on. */
export const resumeUpdate = defineUpdate<{ readonly paused: boolean }>('resume');

/** The operation's progress: step i of n, the current step, a blocked step's reason. */
export const progressQuery = defineQuery<OperationProgress>('progress');
