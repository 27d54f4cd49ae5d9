import { describe, expect, it } from 'vitest';
import { describeIssue, objectsFromManifests, toDesiredCluster, type ForeignPool } from '../../../api/capi/to-desired-cluster.ts';
import { demoManifests, manifest, type Manifest } from './manifests.ts';

/** The demo cluster in `namespace`, its ProxmoxCluster created at `createdAt`. */
function demoIn(namespace: string, createdAt: string): Manifest[] {
  return demoManifests().map((d) => ({
    ...d,
    metadata: { ...d.metadata, namespace, ...(d.kind === 'ProxmoxCluster' ? { creationTimestamp: createdAt } : {}) },
  }));
}

function errorsAgainst(documents: readonly Manifest[], namespace: string, otherPools: readonly ForeignPool[]): string[] {
  const result = toDesiredCluster({ namespace, name: 'demo' }, objectsFromManifests(documents, namespace), { otherPools });
  return result.ok ? [] : result.errors.map(describeIssue);
}

const demoPool = { addresses: ['10.10.10.20-10.10.10.60'], prefix: 24, gateway: '10.10.10.1' };

describe('pools across namespaces', () => {
  it('refuses a pool that shares addresses with an older pool elsewhere, naming that pool', () => {
    const older: ForeignPool = {
      namespace: 'team-a',
      name: 'alpha',
      pool: { ...demoPool, addresses: ['10.10.10.50-10.10.10.99'] },
      createdAt: '2026-01-01T00:00:00Z',
    };
    expect(errorsAgainst(demoIn('team-b', '2026-06-01T00:00:00Z'), 'team-b', [older])).toEqual([
      'ProxmoxCluster team-b/demo spec.ipv4Config.addresses: 10.10.10.50 and 10 more also belong to the pool of ProxmoxCluster team-a/alpha: an address serves one machine in the whole management cluster; give each pool its own addresses',
    ]);
  });

  it('never stops the older cluster for a newcomer that overlaps it', () => {
    const newer: ForeignPool = { namespace: 'team-b', name: 'beta', pool: demoPool, createdAt: '2026-06-01T00:00:00Z' };
    expect(errorsAgainst(demoIn('team-a', '2026-01-01T00:00:00Z'), 'team-a', [newer])).toEqual([]);
  });

  it('decides a tie by namespace, so both controllers agree on which one is refused', () => {
    const at = '2026-01-01T00:00:00Z';
    const inA: ForeignPool = { namespace: 'team-a', name: 'demo', pool: demoPool, createdAt: at };
    const inB: ForeignPool = { namespace: 'team-b', name: 'demo', pool: demoPool, createdAt: at };
    expect(errorsAgainst(demoIn('team-a', at), 'team-a', [inB])).toEqual([]);
    expect(errorsAgainst(demoIn('team-b', at), 'team-b', [inA])).toHaveLength(1);
  });

  it('leaves pools apart, and pools of the same namespace, alone', () => {
    const apart: ForeignPool = {
      namespace: 'team-a',
      name: 'alpha',
      pool: { ...demoPool, addresses: ['10.10.10.100-10.10.10.120'] },
      createdAt: '2025-01-01T00:00:00Z',
    };
    const sameNamespace: ForeignPool = { namespace: 'team-b', name: 'other', pool: demoPool, createdAt: '2025-01-01T00:00:00Z' };
    const documents = demoIn('team-b', '2026-06-01T00:00:00Z');
    expect(manifest(documents, 'ProxmoxCluster', 'demo').metadata.namespace).toBe('team-b');
    expect(errorsAgainst(documents, 'team-b', [apart, sameNamespace])).toEqual([]);
  });
});
