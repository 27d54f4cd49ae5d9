// apid's routing: no header → this node; `node: <target>` → one-to-one proxy, reply unchanged;
// `nodes: <t1>, <t2>…` → fan-out, each reply (or failure) tagged with metadata.hostname.
import type { Metadata } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import type { TalosContext } from '../core/context.ts';
import { nodeAt } from '../core/context.ts';
import { TalosRpcError, rpcError } from '../core/rpc-error.ts';
import type { SimNode } from '../core/state.ts';

/** Where a call goes. */
export type Route =
  | { readonly kind: 'local' }
  | { readonly kind: 'one'; readonly target: string }
  | { readonly kind: 'many'; readonly targets: readonly string[] };

const values = (metadata: Metadata, key: string): string[] =>
  metadata.get(key).map((v) => (typeof v === 'string' ? v : v.toString('utf8')));

/** Reads the routing headers; several `node` values are refused as apid does. */
export function routeOf(metadata: Metadata): Route {
  const node = values(metadata, 'node');
  if (node.length > 1) throw rpcError.invalidArgument('node metadata must be single-valued');
  const [target] = node;
  if (target !== undefined) return { kind: 'one', target };
  // Node's http2 joins repeated header fields with ", " before grpc-js sees them; a client that
  // itself sends one comma-joined value ("a,b") still reaches apid as one bogus target.
  const nodes = values(metadata, 'nodes').flatMap((value) => value.split(', '));
  return nodes.length > 0 ? { kind: 'many', targets: nodes } : { kind: 'local' };
}

/** The node apid would reach for a target string, or the dial/handshake error it would get. */
export function resolveTarget(ctx: TalosContext, from: SimNode, target: string): SimNode {
  const host = target.replace(/^\[(.*)\](?::\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
  const node = nodeAt(ctx, host);
  if (node?.stage !== 'running') {
    throw rpcError.unavailable(
      `connection error: desc = "transport: Error while dialing: dial tcp ${host}:50000: connect: connection refused"`,
    );
  }
  // apid dials with its own certificate and checks the target's against its CA: other clusters fail the handshake.
  if (node.config?.osCa.certPem !== from.config?.osCa.certPem) {
    throw rpcError.unavailable(
      'connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"',
    );
  }
  return node;
}

const goCodeNames: Record<number, string> = Object.fromEntries(
  Object.entries(status)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, code]) => [code, name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase())]),
);

/** The in-band failure of one fan-out target, as apid builds it (Go's status error text plus the status). */
export function failureMetadata(target: string, error: unknown): Record<string, unknown> {
  const code = error instanceof TalosRpcError ? error.code : status.UNKNOWN;
  const message = error instanceof Error ? error.message : String(error);
  const name = goCodeNames[code] ?? 'Unknown';
  return {
    hostname: target,
    error: `rpc error: code = ${name.replace(/^Ok$/, 'OK')} desc = ${message}`,
    status: { code, message, details: [] },
  };
}
