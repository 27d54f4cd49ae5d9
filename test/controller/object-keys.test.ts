import { describe, expect, it } from 'vitest';
import type { WatchedKindName } from '../../client/controller/kinds.ts';
import { clusterKeysOf, type ObjectLookup } from '../../client/controller/object-keys.ts';
import type { RawObject } from '../../client/controller/raw-object.ts';
import { demoManifests, type Manifest } from '../api/capi/manifests.ts';

/** A lookup over a set of manifests, as the informer caches would hold them. */
function lookupOf(manifests: readonly Manifest[]): ObjectLookup {
  return (kind: WatchedKindName, namespace: string) =>
    manifests.filter((m) => m.kind === kind && (m.metadata.namespace ?? 'default') === namespace);
}

const demo = demoManifests();
const find = (kind: string, name: string): RawObject => {
  const found = demo.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name}`);
  return found;
};
const other = (object: RawObject, patch: object): RawObject => ({ ...object, ...patch });

describe('clusterKeysOf: which clusters an object wakes', () => {
  const lookup = lookupOf(demo);
  it.each<[string, WatchedKindName, RawObject, string[]]>([
    ['a Cluster itself', 'Cluster', find('Cluster', 'demo'), ['default/demo']],
    [
      'a TalosControlPlane, by the Cluster that references it',
      'TalosControlPlane',
      find('TalosControlPlane', 'demo-control-plane'),
      ['default/demo'],
    ],
    ['a ProxmoxCluster, by the Cluster that references it', 'ProxmoxCluster', find('ProxmoxCluster', 'demo'), ['default/demo']],
    ['a MachineDeployment, by spec.clusterName', 'MachineDeployment', find('MachineDeployment', 'demo-md-1'), ['default/demo']],
    [
      'a control-plane template, through the TalosControlPlane',
      'ProxmoxMachineTemplate',
      find('ProxmoxMachineTemplate', 'demo-control-plane'),
      ['default/demo'],
    ],
    [
      'a worker template, through the MachineDeployments',
      'ProxmoxMachineTemplate',
      find('ProxmoxMachineTemplate', 'demo-workers'),
      ['default/demo'],
    ],
    [
      'a TalosConfigTemplate, through the MachineDeployments',
      'TalosConfigTemplate',
      find('TalosConfigTemplate', 'demo-workers'),
      ['default/demo'],
    ],
    [
      'a MachineHealthCheck, by spec.clusterName',
      'MachineHealthCheck',
      { metadata: { name: 'demo-workers', namespace: 'default' }, spec: { clusterName: 'demo', selector: {} } },
      ['default/demo'],
    ],
    [
      'a MachineHealthCheck, not by a label that names another cluster',
      'MachineHealthCheck',
      {
        metadata: { name: 'demo-workers', namespace: 'default', labels: { 'cluster.x-k8s.io/cluster-name': 'other' } },
        spec: { clusterName: 'demo' },
      },
      ['default/demo'],
    ],
    [
      'a TalosControlPlane nobody references, by its label',
      'TalosControlPlane',
      { metadata: { name: 'x', namespace: 'default', labels: { 'cluster.x-k8s.io/cluster-name': 'other' } } },
      ['default/other'],
    ],
    [
      'a ProxmoxCluster nobody references, by its Cluster owner (so a Cluster that is gone wakes its orphans)',
      'ProxmoxCluster',
      {
        metadata: {
          name: 'x',
          namespace: 'default',
          ownerReferences: [{ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', name: 'gone', uid: 'uid-gone' }],
        },
      },
      ['default/gone'],
    ],
    ['a template nobody references', 'ProxmoxMachineTemplate', { metadata: { name: 'unused', namespace: 'default' } }, []],
    ['an object without a namespace', 'Cluster', { metadata: { name: 'demo' } }, []],
  ])('%s', (_what, kind, object, keys) => {
    expect(clusterKeysOf(kind, object, lookup)).toEqual(keys);
  });

  it('maps a template shared by two clusters to both, and only in its namespace', () => {
    const second = demo
      .filter((m) => m.kind === 'MachineDeployment' && m.metadata.name === 'demo-md-0')
      .map((m) =>
        other(m as RawObject, {
          metadata: { name: 'beta-md-0', namespace: 'default' },
          spec: { ...(m.spec as object), clusterName: 'beta' },
        }),
      );
    const elsewhere = other(find('MachineDeployment', 'demo-md-0'), { metadata: { name: 'demo-md-0', namespace: 'team-b' } });
    const objects = [...demo, ...second, elsewhere] as Manifest[];
    expect(clusterKeysOf('ProxmoxMachineTemplate', find('ProxmoxMachineTemplate', 'demo-workers'), lookupOf(objects))).toEqual([
      'default/beta',
      'default/demo',
    ]);
  });

  it('ignores a reference to another kind of the same name', () => {
    const cluster = other(find('Cluster', 'demo'), {
      spec: { controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'demo-control-plane' } },
    });
    expect(clusterKeysOf('TalosControlPlane', find('TalosControlPlane', 'demo-control-plane'), lookupOf([cluster as Manifest]))).toEqual(
      [],
    );
  });
});
