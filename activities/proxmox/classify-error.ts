import type { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { ProxmoxApiError, ProxmoxNetworkError, ProxmoxTlsError } from './proxmox-api-error.ts';

const lockPattern = /locked|can't lock|got timeout|lock timeout/i;
// Refusals that PVE raises as plain 500s but that no retry can fix.
const invalidPattern = /can't clone VM to node|not allowed for linked clones|shrinking disks is not supported/i;
const spacePattern = /no space|not enough space|insufficient free space|out of space|storage .*full/i;

/**
 * Maps any error from the Proxmox client to a typed failure, once, so activities and retry
 * policies agree: validation, permission and certificate errors are permanent, everything else passes.
 */
export function classifyProxmoxError(error: unknown): ApplicationFailure {
  if (error instanceof ProxmoxTlsError) return failure(ErrorType.ProxmoxTlsUntrusted, error.message, error);
  if (error instanceof ProxmoxNetworkError) return failure(ErrorType.ProxmoxUnavailable, error.message, error);
  if (!(error instanceof ProxmoxApiError)) {
    return failure(ErrorType.ProxmoxUnavailable, error instanceof Error ? error.message : String(error), error);
  }
  const { status, reason } = error;
  if (status === 401 || status === 403) return failure(ErrorType.ProxmoxPermissionDenied, error.message, error);
  if (status === 400 || status === 501) return failure(ErrorType.ProxmoxInvalidRequest, error.message, error);
  if (invalidPattern.test(reason)) return failure(ErrorType.ProxmoxInvalidRequest, error.message, error);
  if (lockPattern.test(reason)) return failure(ErrorType.ProxmoxLocked, error.message, error);
  if (spacePattern.test(reason)) return failure(ErrorType.ProxmoxStorageFull, error.message, error);
  return failure(ErrorType.ProxmoxUnavailable, error.message, error);
}

/** Classifies the exit status of a failed task (`TASK ERROR: ...` text). */
export function classifyTaskFailure(description: string, exitStatus: string): ApplicationFailure {
  const message = `${description} failed: ${exitStatus}`;
  if (invalidPattern.test(exitStatus)) return failure(ErrorType.ProxmoxInvalidRequest, message);
  if (lockPattern.test(exitStatus)) return failure(ErrorType.ProxmoxLocked, message);
  if (spacePattern.test(exitStatus)) return failure(ErrorType.ProxmoxStorageFull, message);
  return failure(ErrorType.ProxmoxTaskFailed, message);
}

/** Runs a client call and rethrows its error classified. */
export async function classified<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyProxmoxError(error);
  }
}
