import { describe, expect, it } from 'vitest';
import { objectsFromManifests, toDesiredCluster } from '../../api/capi/to-desired-cluster.ts';
import { desiredHash, stableJson } from '../../client/controller/desired-hash.ts';
import { demoManifests, manifest } from '../api/capi/manifests.ts';

function demoDesired(edit?: (documents: ReturnType<typeof demoManifests>) => void) {
  const documents = demoManifests();
  edit?.(documents);
  const result = toDesiredCluster({ namespace: 'default', name: 'demo' }, objectsFromManifests(documents));
  if (!result.ok) throw new Error('demo does not map');
  return result.desired;
}

describe('desiredHash', () => {
  it('ignores key order and undefined members', () => {
    expect(stableJson({ b: 1, a: { d: undefined, c: [2, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('is equal for the same manifests and changes with any spec field', () => {
    expect(desiredHash(demoDesired())).toBe(desiredHash(demoDesired()));
    const scaled = demoDesired((d) => {
      (manifest(d, 'MachineDeployment', 'demo-md-0').spec as { replicas: number }).replicas = 3;
    });
    expect(desiredHash(scaled)).not.toBe(desiredHash(demoDesired()));
  });

  it('does not change with labels or status (they do not reach the desired state)', () => {
    const labelled = demoDesired((d) => {
      const md = manifest(d, 'MachineDeployment', 'demo-md-0');
      md.metadata = { ...md.metadata, labels: { team: 'a' } } as typeof md.metadata;
      (md as Record<string, unknown>)['status'] = { replicas: 7 };
    });
    expect(desiredHash(labelled)).toBe(desiredHash(demoDesired()));
  });
});
