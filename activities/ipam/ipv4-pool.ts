import { ErrorType } from '../../api/errors.ts';
import type { Ipv4PoolSpec } from '../../api/ipam.ts';
import { failure } from '../failure.ts';
import { formatIpv4, parseIpv4 } from './ipv4.ts';

/** Pools beyond this many addresses are refused: IPAM lists them, and VM pools are small. */
export const maxPoolSize = 65_536;

/**
 * Every assignable address of a pool, ascending: ranges inclusive, CIDRs without their network
 * and broadcast addresses (except /31 and /32), never the gateway. Throws a non-retryable
 * failure naming the entry that is wrong.
 */
export function expandPool(pool: Ipv4PoolSpec): number[] {
  const gateway = pool.gateway === undefined ? undefined : parseIpv4(pool.gateway);
  const addresses = new Set<number>();
  pool.addresses.forEach((entry, index) => {
    const [first, last] = bounds(entry, index);
    if (last - first + 1 + addresses.size > maxPoolSize) invalid(`the pool has more than ${maxPoolSize} addresses`);
    for (let address = first; address <= last; address++) if (address !== gateway) addresses.add(address);
  });
  if (gateway !== undefined) {
    const mask = pool.prefix === 0 ? 0 : (0xffffffff << (32 - pool.prefix)) >>> 0;
    const outside = [...addresses].find((a) => (a & mask) >>> 0 !== (gateway & mask) >>> 0);
    if (outside !== undefined) {
      invalid(`address ${formatIpv4(outside)} is not in the gateway's subnet ${formatIpv4((gateway & mask) >>> 0)}/${pool.prefix}`);
    }
  }
  return [...addresses].sort((a, b) => a - b);
}

function bounds(entry: string, index: number): [number, number] {
  const where = `ipv4Config.addresses[${index}] "${entry}"`;
  if (entry.includes('/')) {
    const [base, bits] = entry.split('/');
    const address = parseIpv4(base ?? '');
    const prefix = Number(bits);
    if (address === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) invalid(`${where} is not a CIDR`);
    const size = 2 ** (32 - prefix);
    const network = Math.floor(address / size) * size;
    return size <= 2 ? [network, network + size - 1] : [network + 1, network + size - 2];
  }
  if (entry.includes('-')) {
    const [from, to] = entry.split('-').map((part) => parseIpv4(part));
    if (from === undefined || to === undefined) invalid(`${where} is not a range of two IPv4 addresses`);
    if (from > to) invalid(`${where} ends before it starts`);
    return [from, to];
  }
  const single = parseIpv4(entry);
  if (single === undefined) invalid(`${where} is not an IPv4 address, range or CIDR`);
  return [single, single];
}

function invalid(message: string): never {
  throw failure(ErrorType.InvalidIpPool, `invalid IP pool: ${message}`);
}
