// Reading errors of the Kubernetes client once, for every layer that calls a Kubernetes API.
import { ApiException } from '@kubernetes/client-node';

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
