import type { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import { SnapshotStoreSecretKey as Key } from '../../api/etcd-snapshots.ts';
import { failure } from '../failure.ts';
import { untrustedCertificateCause } from '../untrusted-certificate.ts';

/** What an S3 error message names: the bucket, where it is, and where its settings come from. */
export interface S3StoreContext {
  readonly bucket: string;
  /** The endpoint URL, or `AWS S3 (<region>)` without one. */
  readonly endpoint: string;
  /** `Secret ns/name`. */
  readonly secret: string;
  /** Whether the Secret gave the credentials (else the worker's default AWS credentials chain). */
  readonly secretCredentials: boolean;
}

// S3's error codes for a key or signature it does not accept; a 403 of any code is a refusal too.
const credentialCodes = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'AccessDenied']);
// Node's codes for a request that got no answer: the store may answer the next one.
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

interface SdkError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * The typed failure for an S3 call that failed, its message naming the action, the bucket, the
 * endpoint and the Secret key to fix; never a credential. `action` reads like "storing snapshot X".
 */
export function classifyS3Error(error: unknown, action: string, context: S3StoreContext): ApplicationFailure {
  const where = `bucket "${context.bucket}" at ${context.endpoint}`;
  const untrusted = untrustedCertificateCause(error);
  if (untrusted)
    return failure(
      ErrorType.SnapshotStoreTlsUntrusted,
      `${action} in ${where} failed: its TLS certificate is not trusted (${untrusted.code}). Put the PEM of the CA that signed it under key "${Key.caBundle}" of ${context.secret}.`,
      error,
    );
  const { name, code, status } = describe(error);
  if (name === 'CredentialsProviderError')
    return failure(
      ErrorType.SnapshotStoreInvalid,
      `${action} in ${where}: ${context.secret} has no "${Key.accessKeyId}"/"${Key.secretAccessKey}" and the worker's AWS credentials chain found none. Set both keys, or give the worker AWS credentials.`,
      error,
    );
  if (name === 'NoSuchBucket')
    return failure(
      ErrorType.SnapshotStoreBucketNotFound,
      `${action} failed: ${where} does not exist. Create the bucket, or correct key "${Key.bucket}" (or "${Key.endpoint}") of ${context.secret}.`,
      error,
    );
  if (credentialCodes.has(name) || status === 401 || status === 403) {
    const credentials = context.secretCredentials
      ? `the credentials in keys "${Key.accessKeyId}" and "${Key.secretAccessKey}" of ${context.secret}`
      : "the worker's own AWS credentials";
    return failure(
      ErrorType.SnapshotStoreAccessDenied,
      `${action} in ${where} was refused (${name || status}): check ${credentials} and that they may read and write the bucket.`,
      error,
    );
  }
  if (status === undefined || status >= 500 || status === 429 || status === 408 || networkCodes.has(code) || name === 'TimeoutError')
    return failure(
      ErrorType.SnapshotStoreUnavailable,
      `${action} in ${where} failed, will try again: ${status === undefined ? code || name || 'no answer' : `HTTP ${status} ${name}`}`,
      error,
    );
  return failure(
    ErrorType.SnapshotStoreRequestRefused,
    `${action} in ${where} was refused (HTTP ${status} ${name}): check the settings in ${context.secret}.`,
    error,
  );
}

function describe(error: unknown): { name: string; code: string; status: number | undefined } {
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  // A refused connection arrives as the handler's error, its code on it or on its cause.
  let code = '';
  for (let cause: unknown = error; cause instanceof Error && code === ''; cause = cause.cause) {
    const candidate = (cause as { code?: unknown }).code;
    if (typeof candidate === 'string') code = candidate;
  }
  return {
    name: typeof sdk.name === 'string' && sdk.name !== 'Error' ? sdk.name : '',
    code,
    status: sdk.$metadata?.httpStatusCode,
  };
}
