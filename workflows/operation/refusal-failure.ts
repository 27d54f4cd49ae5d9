import { ApplicationFailure } from '@temporalio/workflow';
import { ErrorType } from '../../api/errors.ts';

/** Ends an operation that cannot go on with this spec: the cluster workflow holds it until the spec changes. */
export function refusalFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.InvalidDesiredCluster, message, nonRetryable: true });
}
