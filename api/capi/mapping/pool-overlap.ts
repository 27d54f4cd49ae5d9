import type { Ipv4PoolSpec } from '../../ipam.ts';
import { formatIpv4 } from '../../ipv4.ts';
import { poolAddresses } from '../../ipv4-pool.ts';
import type { IssueLog, ObjectKey } from './issues.ts';

/** Another ProxmoxCluster's pool, in another namespace (its addresses as written). */
export interface ForeignPool {
  readonly namespace: string;
  readonly name: string;
  readonly pool: Pick<Ipv4PoolSpec, 'addresses' | 'prefix' | 'gateway'>;
  /** When it was created (ISO): the older pool keeps its addresses. */
  readonly createdAt?: string;
}

/**
 * Refuses a pool that shares addresses with an older ProxmoxCluster's pool in another namespace.
 * Address claims are kept per namespace, so two such pools could hand one address to two machines;
 * within a namespace the claims themselves keep every address unique. The pool that was there
 * first keeps its addresses: a newcomer never stops a running cluster.
 */
export function poolOverlaps(
  pool: Pick<Ipv4PoolSpec, 'addresses' | 'prefix' | 'gateway'>,
  others: readonly ForeignPool[],
  proxmoxKey: ObjectKey,
  createdAt: string | undefined,
  log: IssueLog,
): void {
  const mine = poolAddresses(pool);
  if (!Array.isArray(mine)) return; // reported where the pool was read
  const set = new Set(mine);
  for (const other of others) {
    if (other.namespace === proxmoxKey.namespace || !olderThan(other, proxmoxKey, createdAt)) continue;
    const theirs = poolAddresses(other.pool);
    if (!Array.isArray(theirs)) continue; // that cluster is refused on its own
    const shared = theirs.filter((address) => set.has(address));
    const first = shared[0];
    if (first === undefined) continue;
    const more = shared.length > 1 ? ` and ${shared.length - 1} more` : '';
    log.errors.push({
      object: proxmoxKey,
      path: 'spec.ipv4Config.addresses',
      message: `${formatIpv4(first)}${more} also belong to the pool of ProxmoxCluster ${other.namespace}/${other.name}: an address serves one machine in the whole management cluster; give each pool its own addresses`,
    });
  }
}

// Creation times first; the same second (or unknown times) falls back to namespace/name order.
function olderThan(other: ForeignPool, mine: ObjectKey, createdAt: string | undefined): boolean {
  const theirs = other.createdAt === undefined ? undefined : Date.parse(other.createdAt);
  const ours = createdAt === undefined ? undefined : Date.parse(createdAt);
  if (theirs !== undefined && ours !== undefined && theirs !== ours) return theirs < ours;
  return `${other.namespace}/${other.name}` < `${mine.namespace}/${mine.name}`;
}
