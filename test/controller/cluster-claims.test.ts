import { describe, expect, it } from 'vitest';
import { claimsOf, type ClusterClaim } from '../../client/controller/cluster-claims.ts';
import type { WatchedKindName } from '../../client/controller/kinds.ts';
import type { RawObject } from '../../client/controller/raw-object.ts';
import { isSharedReference, referencedName } from '../../client/controller/cluster-references.ts';

const owner = (name: string, apiVersion = 'cluster.x-k8s.io/v1beta1') => ({ apiVersion, kind: 'Cluster', name, uid: `uid-${name}` });
const label = (cluster: string) => ({ 'cluster.x-k8s.io/cluster-name': cluster });

describe('claimsOf: the cluster an object names by itself', () => {
  it.each<[string, WatchedKindName, RawObject, ClusterClaim[]]>([
    [
      'a MachineDeployment by spec.clusterName',
      'MachineDeployment',
      { metadata: { name: 'md' }, spec: { clusterName: 'demo' } },
      [{ cluster: 'demo', source: 'spec.clusterName' }],
    ],
    [
      'a TalosControlPlane by its label',
      'TalosControlPlane',
      { metadata: { name: 'cp', labels: label('demo') } },
      [{ cluster: 'demo', source: 'label' }],
    ],
    [
      'a ProxmoxCluster by its Cluster owner',
      'ProxmoxCluster',
      { metadata: { name: 'pc', ownerReferences: [owner('demo')] } },
      [{ cluster: 'demo', source: 'ownerReference' }],
    ],
    [
      'a label and an owner naming the same cluster: once, by the label',
      'TalosControlPlane',
      { metadata: { name: 'cp', labels: label('demo'), ownerReferences: [owner('demo')] } },
      [{ cluster: 'demo', source: 'label' }],
    ],
    [
      'not by an owner of another API group that is also called Cluster',
      'ProxmoxCluster',
      { metadata: { name: 'pc', ownerReferences: [owner('demo', 'example.com/v1')] } },
      [],
    ],
    ['nothing for an unlabelled, unowned TalosControlPlane', 'TalosControlPlane', { metadata: { name: 'cp' } }, []],
    ['nothing for a template', 'ProxmoxMachineTemplate', { metadata: { name: 't', labels: label('demo') } }, []],
  ])('%s', (_what, kind, object, claims) => {
    expect(claimsOf(kind, object)).toEqual(claims);
  });
});

describe("a Cluster's references", () => {
  const cluster = (name: string, infrastructureRef: object): RawObject => ({
    metadata: { name, namespace: 'default' },
    spec: { infrastructureRef },
  });
  const demo = cluster('demo', { kind: 'ProxmoxCluster', name: 'pve' });

  it('name an object of the kind Capstan knows, in the Cluster namespace', () => {
    expect(referencedName(demo, 'spec.infrastructureRef', 'ProxmoxCluster')).toBe('pve');
    expect(referencedName(demo, 'spec.infrastructureRef', 'DockerCluster')).toBeUndefined();
    const elsewhere = cluster('demo', { kind: 'ProxmoxCluster', name: 'pve', namespace: 'other' });
    expect(referencedName(elsewhere, 'spec.infrastructureRef', 'ProxmoxCluster')).toBeUndefined();
  });

  it('are shared when another Cluster references the same object', () => {
    const second = cluster('second', { kind: 'ProxmoxCluster', name: 'pve' });
    const third = cluster('third', { kind: 'ProxmoxCluster', name: 'other' });
    expect(isSharedReference(demo, 'spec.infrastructureRef', [demo, third])).toBe(false);
    expect(isSharedReference(demo, 'spec.infrastructureRef', [demo, second, third])).toBe(true);
  });
});
