import { ApplicationFailure } from '@temporalio/common';
import { nonRetryableErrorTypes, type ErrorType } from '../api/errors.ts';

/** An ApplicationFailure whose retryability follows the shared error-type table. */
export function failure(type: ErrorType, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: nonRetryableErrorTypes.includes(type),
    ...(cause instanceof Error ? { cause } : {}),
  });
}
