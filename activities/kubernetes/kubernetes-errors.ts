import { ApiException } from '@kubernetes/client-node';
import { apiStatusOf, httpStatusOf } from '../../runtime/kubernetes-api-errors.ts';
import type { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';

/** Maps any Kubernetes client error once: 400/422 and 401/403 are permanent, the rest passes. */
export function classifyKubernetesError(error: unknown, context: string): ApplicationFailure {
  const code = httpStatusOf(error);
  const reason = apiStatusOf(error)?.message ?? (error instanceof ApiException ? `HTTP ${code}` : String(error));
  const message = `${context}: ${error instanceof ApiException ? reason : error instanceof Error ? error.message : reason}`;
  if (code === 401 || code === 403) return failure(ErrorType.KubernetesPermissionDenied, message, error);
  if (code === 400 || code === 422) return failure(ErrorType.KubernetesInvalidRequest, message, error);
  return failure(ErrorType.KubernetesUnavailable, message, error);
}

/** Runs a Kubernetes call and rethrows its error classified. */
export async function classifiedKubernetes<T>(context: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyKubernetesError(error, context);
  }
}
