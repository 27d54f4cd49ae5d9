import { once } from 'node:events';
import { status, type Client, type Metadata } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { TalosCallError } from './talos-call-error.ts';

/** Per-call limits: a deadline, and a signal (an activity's cancellation) that cancels the call. */
export interface TalosCallOptions {
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
}

/** Unary calls that take longer than this are given up (ApplyConfiguration validates, Upgrade pulls). */
export const defaultUnaryDeadlineMs = 60_000;

/** Runs a unary call; a failure becomes a TalosCallError with the call's path. */
export function unaryCall<Res>(
  client: Client,
  def: MethodDefinition<object, object>,
  request: object,
  metadata: Metadata,
  options: TalosCallOptions = {},
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortReason(options.signal));
      return;
    }
    const deadline = Date.now() + (options.deadlineMs ?? defaultUnaryDeadlineMs);
    const onAbort = () => {
      call.cancel();
    };
    const call = client.makeUnaryRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      request,
      metadata,
      { deadline },
      (error, response) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(options.signal?.aborted ? abortReason(options.signal) : toCallError(error, def.path));
        // Only a server bug yields neither; a missing body decodes as an empty message.
        else resolve((response ?? def.responseDeserialize(Buffer.alloc(0))) as Res);
      },
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs a server-streaming call and yields its messages; errors become TalosCallErrors. */
export async function* serverStream<Res>(
  client: Client,
  def: MethodDefinition<object, object>,
  request: object,
  metadata: Metadata,
  options: TalosCallOptions = {},
): AsyncGenerator<Res> {
  if (options.signal?.aborted) throw abortReason(options.signal);
  const deadline = options.deadlineMs === undefined ? Infinity : Date.now() + options.deadlineMs;
  const call = client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, request, metadata, { deadline });
  const onAbort = () => {
    call.cancel();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const message of call) yield message as Res;
  } catch (error) {
    throw options.signal?.aborted ? abortReason(options.signal) : toCallError(error, def.path);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // A consumer that stops early (or fails) must not leave the stream open.
    call.cancel();
  }
}

/**
 * Runs a client-streaming call: sends each of `requests` as one message, waiting for the
 * connection to drain when it is full (so a large upload never sits in memory), then returns the
 * single reply. A failing source cancels the call and rejects with the source's error.
 */
export function clientStream<Res>(
  client: Client,
  def: MethodDefinition<object, object>,
  requests: AsyncIterable<object>,
  metadata: Metadata,
  options: TalosCallOptions = {},
): Promise<Res> {
  if (options.signal?.aborted) return Promise.reject(abortReason(options.signal));
  const deadline = options.deadlineMs === undefined ? Infinity : Date.now() + options.deadlineMs;
  // Ends the sender's wait for 'drain' once the call is over, whichever way it ended.
  const over = new AbortController();
  return new Promise<Res>((resolve, reject) => {
    const onAbort = () => {
      call.cancel();
    };
    const call = client.makeClientStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      metadata,
      { deadline },
      (error, response) => {
        over.abort();
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(options.signal?.aborted ? abortReason(options.signal) : toCallError(error, def.path));
        else resolve((response ?? def.responseDeserialize(Buffer.alloc(0))) as Res);
      },
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    void (async () => {
      try {
        for await (const request of requests) {
          if (over.signal.aborted) return;
          if (!call.write(request)) await once(call, 'drain', { signal: over.signal });
        }
        call.end();
      } catch (error) {
        if (over.signal.aborted) return;
        over.abort();
        options.signal?.removeEventListener('abort', onAbort);
        call.cancel();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    })();
  });
}

/** A grpc-js error (ServiceError) as a TalosCallError; anything else as UNKNOWN. */
export function toCallError(error: unknown, path: string): TalosCallError {
  if (error instanceof TalosCallError) return error;
  const call = path.replace(/^\//, '');
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    const details =
      'details' in error && typeof error.details === 'string' ? error.details : error instanceof Error ? error.message : 'no details';
    return new TalosCallError(error.code, details, call);
  }
  return new TalosCallError(status.UNKNOWN, error instanceof Error ? error.message : String(error), call);
}

// Temporal sets an activity's cancellation reason to a CancelledFailure, which must propagate as is.
function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('call cancelled');
}
