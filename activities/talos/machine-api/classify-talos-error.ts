import { status } from '@grpc/grpc-js';
import { CancelledFailure, type ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import { hasCode, TalosCallError } from './talos-call-error.ts';

// Codes missing here (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL,
// UNKNOWN, ...) are transport trouble or a busy or failing server: retryable TalosUnavailable.
const typeByCode: Readonly<Partial<Record<number, ErrorType>>> = {
  [status.INVALID_ARGUMENT]: ErrorType.TalosInvalidConfig,
  [status.PERMISSION_DENIED]: ErrorType.TalosPermissionDenied,
  [status.UNAUTHENTICATED]: ErrorType.TalosPermissionDenied,
  [status.FAILED_PRECONDITION]: ErrorType.TalosNotReady,
  [status.UNIMPLEMENTED]: ErrorType.TalosUnsupported,
  [status.NOT_FOUND]: ErrorType.TalosCallFailed,
  [status.ALREADY_EXISTS]: ErrorType.TalosCallFailed,
  [status.OUT_OF_RANGE]: ErrorType.TalosCallFailed,
};

/**
 * The error type of a gRPC status code, mapped once: transport trouble and busy servers pass,
 * refusals of the input or the credentials do not, FailedPrecondition means "not yet".
 */
export function talosErrorType(code: number): ErrorType {
  return typeByCode[code] ?? ErrorType.TalosUnavailable;
}

// FailedPrecondition messages that no wait fixes: the call went to the wrong kind of node.
const wrongNodePattern = /only be performed on a control plane node|only available on control plane nodes/i;

/**
 * Classifies any error thrown by the Talos client as a typed ApplicationFailure. The activity's
 * own cancellation (which cancels the gRPC call) is rethrown as is, so Temporal records the
 * activity as cancelled rather than failed.
 */
export function classifyTalosError(error: unknown, context?: string): ApplicationFailure {
  if (error instanceof CancelledFailure) throw error;
  const prefix = context ? `${context}: ` : '';
  if (!(error instanceof TalosCallError)) {
    const message = error instanceof Error ? error.message : String(error);
    return failure(ErrorType.TalosUnavailable, `${prefix}${message}`, error);
  }
  const type =
    hasCode(error, status.FAILED_PRECONDITION) && wrongNodePattern.test(error.details)
      ? ErrorType.TalosUnsupported
      : talosErrorType(error.code);
  return failure(type, `${prefix}${error.message}`, error);
}

/** Runs a Talos call and rethrows its error classified. */
export async function classifiedTalos<T>(context: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyTalosError(error, context);
  }
}
