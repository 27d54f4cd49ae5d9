import { ApiException } from '@kubernetes/client-node';
import type { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';

/** The HTTP status of a client-node error, or undefined for network failures. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** Whether the API answered 404. */
export function isNotFound(error: unknown): boolean {
  return httpStatusOf(error) === 404;
}

/** A `metav1.Status` from an error body (client-node passes non-2xx bodies through as text). */
export interface ApiStatus {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes?: readonly { readonly reason?: string; readonly message?: string }[] };
}

/** The Status an error response carried, when it is one. */
export function apiStatusOf(error: unknown): ApiStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const body: unknown = error.body;
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

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
