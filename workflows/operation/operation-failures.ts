import type { ActivityFailure } from '@temporalio/workflow';
import { ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import { ErrorType } from '../../api/errors.ts';

/** Thrown out of `step()` when an operator aborts; the operation ends without further steps. */
export class OperationAborted extends Error {
  constructor(readonly reason: string) {
    super(`aborted: ${reason}`);
    this.name = 'OperationAborted';
  }

  /** How a child run ends when aborted: its parent's step sees this and aborts too. */
  toFailure(): ApplicationFailure {
    return ApplicationFailure.create({ type: ErrorType.OperationAborted, message: this.reason, nonRetryable: true });
  }
}

/**
 * A step's precondition does not hold now (checked by the workflow on a fresh observation, not by
 * an activity): the step blocks with this type and message, like a failed activity would.
 */
export class PreconditionFailed extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PreconditionFailed';
  }
}

/** Runs a child workflow's body so that an operator's abort ends it as an OperationAborted failure. */
export async function abortsAsFailure<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof OperationAborted) throw error.toFailure();
    throw error;
  }
}

/** The operator's reason when a child run was aborted (its parent aborts with it). */
export function abortedChild(error: ActivityFailure | ChildWorkflowFailure): string | undefined {
  if (!(error instanceof ChildWorkflowFailure)) return undefined;
  const cause = error.cause;
  return cause instanceof ApplicationFailure && cause.type === ErrorType.OperationAborted ? cause.message : undefined;
}
