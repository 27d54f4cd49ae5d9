import { describe, expect, it } from 'vitest';
import { Ipv4PoolSpec, type Ipv4PoolSpecInput } from '../../../api/ipam.ts';
import { expandPool } from '../../../activities/ipam/ipv4-pool.ts';
import { formatIpv4 } from '../../../api/ipv4.ts';
import { ErrorType } from '../../../api/errors.ts';

const expand = (pool: Ipv4PoolSpecInput) => expandPool(Ipv4PoolSpec.parse(pool)).map(formatIpv4);

describe('expandPool', () => {
  it('takes ranges, CIDRs and single addresses, sorted, without the gateway', () => {
    expect(expand({ addresses: ['10.0.0.20-10.0.0.22', '10.0.0.0/30', '10.0.0.9', '10.0.0.21'], prefix: 24, gateway: '10.0.0.1' })).toEqual(
      ['10.0.0.2', '10.0.0.9', '10.0.0.20', '10.0.0.21', '10.0.0.22'],
    );
  });

  it('keeps both addresses of a /31 and the one of a /32', () => {
    expect(expand({ addresses: ['192.168.5.4/31', '192.168.5.9/32'], prefix: 24 })).toEqual(['192.168.5.4', '192.168.5.5', '192.168.5.9']);
  });

  it.each([
    [{ addresses: ['10.0.0.9-10.0.0.3'], prefix: 24 }, 'ipv4Config.addresses[0] "10.0.0.9-10.0.0.3" ends before it starts'],
    [{ addresses: ['10.0.0.1', '10.0.0.300'], prefix: 24 }, 'ipv4Config.addresses[1] "10.0.0.300" is not an IPv4 address, range or CIDR'],
    [{ addresses: ['10.0.0.0/33'], prefix: 24 }, 'ipv4Config.addresses[0] "10.0.0.0/33" is not a CIDR'],
    [{ addresses: ['10.0.1.5'], prefix: 24, gateway: '10.0.0.1' }, "address 10.0.1.5 is not in the gateway's subnet 10.0.0.0/24"],
    [{ addresses: ['10.0.0.0/8'], prefix: 8 }, 'the pool has more than 65536 addresses'],
  ])('refuses %j: %s', (pool, message) => {
    expect(() => expand(pool)).toThrow(message);
    try {
      expand(pool);
    } catch (error) {
      expect(error).toMatchObject({ type: ErrorType.InvalidIpPool, nonRetryable: true });
    }
  });
});
