import { describe, expect, it } from 'vitest';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { fleetDesiredCluster, fleetPool, maxFleetClusters } from '../../bench/fleet/fleet-cluster.ts';

describe('fleet address pools', () => {
  it('gives every cluster a /24 of its own, outside 127.0.0.0/16 where the servers listen', () => {
    const nets = new Set<string>();
    for (let i = 0; i < 1_000; i += 1) {
      const pool = fleetPool(i);
      const net = pool.gateway.replace(/\.1$/, '');
      expect(net.startsWith('127.0.')).toBe(false);
      expect(pool.addresses).toEqual([`${net}.10-${net}.20`]);
      nets.add(net);
    }
    expect(nets.size).toBe(1_000);
  });

  it.each([
    [0, '127.20.0.1'],
    [255, '127.20.255.1'],
    [256, '127.21.0.1'],
    [maxFleetClusters - 1, '127.255.255.1'],
  ])('cluster %i has the gateway %s', (index, gateway) => {
    expect(fleetPool(index).gateway).toBe(gateway);
  });

  it.each([-1, 1.5, maxFleetClusters])('refuses index %s', (index) => {
    expect(() => fleetPool(index)).toThrow(/outside/);
  });

  it('builds desired clusters the workflows accept, 1 control plane + 2 workers', () => {
    const parsed = DesiredCluster.parse(fleetDesiredCluster('fleet', 7));
    expect(parsed.name).toBe('fleet-0007');
    expect(parsed.controlPlane.replicas + parsed.machineDeployments.reduce((n, d) => n + d.replicas, 0)).toBe(3);
    expect(parsed.network.ipv4Pool.gateway).toBe('127.20.7.1');
  });
});
