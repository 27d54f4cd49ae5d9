import { ApplicationFailure } from '@temporalio/workflow';
import { ErrorType } from '../../api/errors.ts';

/** Ends an operation whose plan no longer fits what it observes: the cluster workflow plans again from a new observation. */
export function outdatedPlanFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.PlanOutdated, message, nonRetryable: true });
}

/** Ends an operation that cannot go on with this spec: the cluster workflow holds it until the spec changes. */
export function refusalFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.InvalidDesiredCluster, message, nonRetryable: true });
}
