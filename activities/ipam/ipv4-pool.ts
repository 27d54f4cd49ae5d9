import { ErrorType } from '../../api/errors.ts';
import type { Ipv4PoolSpec } from '../../api/ipam.ts';
import { poolAddresses } from '../../api/ipv4-pool.ts';
import { failure } from '../failure.ts';

/** Every assignable address of a pool (see poolAddresses); a non-retryable failure naming what is wrong. */
export function expandPool(pool: Ipv4PoolSpec): number[] {
  const addresses = poolAddresses(pool);
  if (Array.isArray(addresses)) return addresses;
  const where = addresses.entry === undefined ? '' : `ipv4Config.addresses[${addresses.entry}] `;
  throw failure(ErrorType.InvalidIpPool, `invalid IP pool: ${where}${addresses.message}`);
}
