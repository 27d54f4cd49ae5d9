import { ProxmoxClusterSpec } from '../../api/capi/proxmox-cluster.ts';
import type { ForeignPool } from '../../api/capi/to-desired-cluster.ts';
import type { Informers } from './informers.ts';

/**
 * The IPv4 pools of the ProxmoxClusters outside `namespace`, as the informers hold them: a
 * cluster's pool is refused when it shares an address with one of them. One that does not parse
 * is left out (its own cluster is refused for it).
 */
export function foreignPools(informers: Pick<Informers, 'list'>, namespace: string): ForeignPool[] {
  return informers.list('ProxmoxCluster').flatMap((object) => {
    const owner = object.metadata?.namespace;
    const pool = ProxmoxClusterSpec.shape.ipv4Config.safeParse((object.spec as { ipv4Config?: unknown } | undefined)?.ipv4Config).data;
    if (owner === undefined || owner === namespace || pool === undefined) return [];
    const created = object.metadata?.creationTimestamp;
    const createdAt = created === undefined ? undefined : new Date(created).toISOString();
    return [{ namespace: owner, name: object.metadata?.name ?? '', pool, ...(createdAt ? { createdAt } : {}) }];
  });
}
