import { Metadata } from '@grpc/grpc-js';

/**
 * Where apid sends a call: the dialled node itself, one other node (`node`, passed through
 * unchanged), or several nodes at once (`nodes`, replies concatenated with `metadata.hostname`).
 */
export type TalosRouting =
  | { readonly kind: 'local' }
  | { readonly kind: 'node'; readonly node: string }
  | { readonly kind: 'nodes'; readonly nodes: readonly string[] };

/** Calls handled by the dialled node. */
export const local = { kind: 'local' } as const satisfies TalosRouting;

/**
 * The routing metadata. `nodes` gets one metadata entry per node: grpc-js sends them as separate
 * header fields, as Go's `client.WithNodes` does; one comma-joined value would reach apid as one
 * bogus target.
 */
export function routingMetadata(routing: TalosRouting): Metadata {
  const metadata = new Metadata();
  if (routing.kind === 'node') metadata.set('node', routing.node);
  if (routing.kind === 'nodes') {
    if (routing.nodes.length === 0) throw new Error('nodes routing needs at least one node');
    for (const node of routing.nodes) metadata.add('nodes', node);
  }
  return metadata;
}
