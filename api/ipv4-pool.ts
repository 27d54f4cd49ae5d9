import type { Ipv4PoolSpec } from './ipam.ts';
import { formatIpv4, networkOf, parseIpv4 } from './ipv4.ts';

/** Pools beyond this many addresses are refused: IPAM lists them, and VM pools are small. */
export const maxPoolSize = 65_536;

/** Why a pool cannot be used; `entry` is the index in `addresses` when one entry is at fault. */
export interface PoolProblem {
  readonly entry?: number;
  readonly message: string;
}

/**
 * Every assignable address of a pool, ascending: ranges inclusive, CIDRs without their network
 * and broadcast addresses (except /31 and /32), never the gateway — or what is wrong with it.
 * Pure, so the manifests are checked with the same rules the allocator uses.
 */
export function poolAddresses(pool: Pick<Ipv4PoolSpec, 'addresses' | 'prefix' | 'gateway'>): number[] | PoolProblem {
  const gateway = pool.gateway === undefined ? undefined : parseIpv4(pool.gateway);
  const addresses = new Set<number>();
  for (const [index, entry] of pool.addresses.entries()) {
    const range = bounds(entry);
    if (typeof range === 'string') return { entry: index, message: `"${entry}" ${range}` };
    const [first, last] = range;
    if (last - first + 1 + addresses.size > maxPoolSize) return { message: `the pool has more than ${maxPoolSize} addresses` };
    for (let address = first; address <= last; address++) if (address !== gateway) addresses.add(address);
  }
  if (gateway !== undefined) {
    const outside = [...addresses].find((a) => networkOf(a, pool.prefix) !== networkOf(gateway, pool.prefix));
    if (outside !== undefined) {
      return {
        message: `address ${formatIpv4(outside)} is not in the gateway's subnet ${formatIpv4(networkOf(gateway, pool.prefix))}/${pool.prefix}`,
      };
    }
  }
  return [...addresses].sort((a, b) => a - b);
}

// The first and last address of one entry, or what is wrong with it.
function bounds(entry: string): [number, number] | string {
  if (entry.includes('/')) {
    const [base, bits] = entry.split('/');
    const address = parseIpv4(base ?? '');
    const prefix = Number(bits);
    if (address === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return 'is not a CIDR';
    const size = 2 ** (32 - prefix);
    const network = Math.floor(address / size) * size;
    return size <= 2 ? [network, network + size - 1] : [network + 1, network + size - 2];
  }
  if (entry.includes('-')) {
    const [from, to] = entry.split('-').map((part) => parseIpv4(part));
    if (from === undefined || to === undefined) return 'is not a range of two IPv4 addresses';
    if (from > to) return `ends before it starts: write ${formatIpv4(to)}-${formatIpv4(from)}`;
    return [from, to];
  }
  const single = parseIpv4(entry);
  if (single === undefined) return 'is not an IPv4 address, range or CIDR';
  return [single, single];
}
