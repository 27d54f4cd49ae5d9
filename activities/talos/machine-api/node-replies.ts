import { status } from '@grpc/grpc-js';
import type { NodeReplyMessage, RepliesOf } from './messages.ts';
import { TalosCallError } from './talos-call-error.ts';

/** One node's part of a reply: its payload, or the error apid reported for it in-band. */
export type NodeResult<T> =
  | { readonly ok: true; readonly node: string | undefined; readonly value: T }
  | { readonly ok: false; readonly node: string | undefined; readonly error: TalosCallError };

/**
 * Splits a unary response into per-node results. A reply with `metadata.error` is that node's
 * failure (its code from `metadata.status`, UNKNOWN when an old apid left it out); a reply
 * without metadata came from the node we dialled (`node` routing or none) and is a success.
 */
export function nodeResults<T extends NodeReplyMessage>(call: string, response: RepliesOf<T>): NodeResult<T>[] {
  return response.messages.map((message) => {
    const node = message.metadata?.hostname || undefined;
    const error = message.metadata?.error;
    if (!error) return { ok: true, node, value: message };
    const code = message.metadata.status?.code || status.UNKNOWN;
    return { ok: false, node, error: new TalosCallError(code, error, call, node) };
  });
}

/** The payloads of every node, or the first node's error. */
export function everyNode<T>(results: readonly NodeResult<T>[]): T[] {
  return results.map((result) => {
    if (!result.ok) throw result.error;
    return result.value;
  });
}

/** The single payload of a call to one node; an empty or multi-node reply is a protocol error. */
export function singleNode<T>(call: string, results: readonly NodeResult<T>[]): T {
  const [only, ...rest] = results;
  if (!only || rest.length > 0) {
    throw new TalosCallError(status.INTERNAL, `expected one reply, got ${results.length}`, call);
  }
  if (!only.ok) throw only.error;
  return only.value;
}
