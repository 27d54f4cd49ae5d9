// One entry point for every call a node's apid receives: maintenance rules, RBAC, routing,
// then the method on the node that handles it.
import type { Metadata } from '@grpc/grpc-js';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import type { SimNode } from '../core/state.ts';
import { atLeast } from '../config/image-tag.ts';
import { createLocalMethods } from './local-methods.ts';
import type { LocalMethod, Reply } from './local-methods.ts';
import { bytesField } from './request-fields.ts';
import type { DecodedRequest } from './request-fields.ts';
import { allowed } from './roles.ts';
import { failureMetadata, resolveTarget, routeOf } from './routing.ts';

/** What the server writes: a unary response, or the stream's common.Data messages. */
export type CallResult =
  | { readonly kind: 'unary'; readonly response: { messages: Reply[] } }
  /** Written as they come (an etcd snapshot is not held whole in memory). */
  | { readonly kind: 'stream'; readonly messages: AsyncIterable<Reply> | Reply[] };

/** A call as the server hands it over. */
export interface IncomingCall {
  readonly method: string;
  readonly request: DecodedRequest;
  readonly metadata: Metadata;
  /** Roles of the client certificate; null for an anonymous (maintenance) client. */
  readonly roles: ReadonlySet<string> | null;
  /** The messages of a client stream (EtcdRecover). */
  readonly upload?: AsyncIterable<DecodedRequest>;
}

async function* replies(chunks: Iterable<Buffer> | AsyncIterable<Buffer>): AsyncGenerator<Reply> {
  for await (const bytes of chunks) yield { bytes };
}

async function* bytesOf(messages: AsyncIterable<DecodedRequest> | undefined): AsyncGenerator<Buffer> {
  for await (const message of messages ?? []) yield bytesField(message, 'bytes');
}

const readerRoles: ReadonlySet<string> = new Set(['os:reader']);

/** Creates the dispatcher shared by every node's server. */
export function createDispatcher(ctx: TalosContext): (entry: SimNode, call: IncomingCall) => Promise<CallResult> {
  const methods = createLocalMethods();
  const methodOf = (name: string): LocalMethod => {
    const method = methods[name];
    if (method === undefined) throw rpcError.unimplemented(`method ${name} not implemented`);
    return method;
  };

  // ≤ 1.12 ran a separate maintenance server; ≥ 1.13 serves anonymous clients as os:reader.
  const maintenanceMethod = (node: SimNode, name: string): LocalMethod => {
    if (name === 'ApplyConfiguration') return methodOf(name);
    if (!atLeast(node.bootVersion, 1, 13)) {
      if (['Version', 'Upgrade', 'Reset'].includes(name)) throw rpcError.unimplemented('API is not implemented in maintenance mode');
      throw rpcError.unimplemented(`method ${name} not implemented`);
    }
    if (!allowed(name, readerRoles)) throw rpcError.permissionDenied();
    return methodOf(name);
  };

  const run = async (node: SimNode, method: LocalMethod, call: IncomingCall): Promise<Reply[] | AsyncIterable<Reply>> => {
    if (method.kind === 'unary') return [await method.run(ctx, node, call.request)];
    if (method.kind === 'upload') return [await method.run(ctx, node, bytesOf(call.upload))];
    return replies(await method.run(ctx, node, call.request));
  };

  const result = (method: LocalMethod, messages: Reply[] | AsyncIterable<Reply>): CallResult =>
    method.kind === 'stream' ? { kind: 'stream', messages } : { kind: 'unary', response: { messages: messages as Reply[] } };

  return async (entry, call) => {
    if (entry.stage === 'maintenance' || call.roles === null) {
      const method = maintenanceMethod(entry, call.method);
      return result(method, await run(entry, method, call));
    }
    const method = methodOf(call.method);
    if (!allowed(call.method, call.roles)) throw rpcError.permissionDenied();
    const route = routeOf(call.metadata);
    if (route.kind === 'local') return result(method, await run(entry, method, call));
    if (route.kind === 'one') return result(method, await run(resolveTarget(ctx, entry, route.target), method, call));
    // A client stream can be read once: apid proxies it to one node, never fans it out.
    if (method.kind === 'upload') throw rpcError.invalidArgument(`${call.method} can be sent to one node only`);
    const perTarget = await Promise.all(
      route.targets.map(async (target) => {
        try {
          // A fan-out answers once every target has: each target's messages are collected.
          const messages: Reply[] = [];
          for await (const message of await run(resolveTarget(ctx, entry, target), method, call))
            messages.push({ ...message, metadata: { hostname: target } });
          return messages;
        } catch (error) {
          return [{ metadata: failureMetadata(target, error) }];
        }
      }),
    );
    return result(method, perTarget.flat());
  };
}
