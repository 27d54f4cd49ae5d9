import { describe, expect, it } from 'vitest';
import type { RawObject } from '../../client/controller/raw-object.ts';
import {
  movedFromAnnotation,
  ownersFirst,
  rewriteOwnerReferences,
  selectClusterObjects,
  targetCopy,
  type KindedObject,
} from '../../client/cli/move/move-selection.ts';

const label = { 'cluster.x-k8s.io/cluster-name': 'demo' };
const owner = (kind: string, name: string) => ({ apiVersion: 'cluster.x-k8s.io/v1beta1', kind, name, uid: `uid-${name}` });
const object = (
  kind: string,
  name: string,
  rest: Omit<RawObject, 'metadata'> & { metadata?: RawObject['metadata'] } = {},
): KindedObject => ({
  kind,
  object: { ...rest, metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...rest.metadata } },
});

// The demo cluster as the controller and the cluster workflow leave it, plus another cluster's objects.
const listed: KindedObject[] = [
  object('ProxmoxMachine', 'demo-md-0-abc-1', { metadata: { ownerReferences: [owner('Machine', 'demo-md-0-abc-1')] } }),
  object('Machine', 'demo-md-0-abc-1', {
    metadata: { labels: label, ownerReferences: [owner('MachineSet', 'demo-md-0-abc')] },
    spec: { clusterName: 'demo', infrastructureRef: { name: 'demo-md-0-abc-1' } },
  }),
  object('MachineSet', 'demo-md-0-abc', {
    metadata: { labels: label, ownerReferences: [owner('MachineDeployment', 'demo-md-0')] },
    spec: { clusterName: 'demo', template: { spec: { infrastructureRef: { name: 'demo-workers-old' } } } },
  }),
  object('MachineDeployment', 'demo-md-0', {
    metadata: { ownerReferences: [owner('Cluster', 'demo')] },
    spec: {
      clusterName: 'demo',
      template: { spec: { infrastructureRef: { name: 'demo-workers' }, bootstrap: { configRef: { name: 'demo-workers' } } } },
    },
  }),
  object('Cluster', 'demo', {
    spec: { controlPlaneRef: { name: 'demo-control-plane' }, infrastructureRef: { name: 'demo' } },
    status: { phase: 'Provisioned' },
  }),
  object('TalosControlPlane', 'demo-control-plane', { spec: { infrastructureTemplate: { name: 'demo-control-plane' } } }),
  object('ProxmoxCluster', 'demo', { spec: { credentialsRef: { name: 'pve-token' } } }),
  object('ProxmoxMachineTemplate', 'demo-control-plane'),
  object('ProxmoxMachineTemplate', 'demo-workers'),
  object('ProxmoxMachineTemplate', 'demo-workers-old'),
  object('TalosConfigTemplate', 'demo-workers'),
  object('Secret', 'demo-talos-secrets', { metadata: { labels: label } }),
  object('Secret', 'demo-kubeconfig'),
  object('Secret', 'pve-token'),
  object('IPAddress', '127-0-1-11', { metadata: { labels: label } }),
  object('IPAddressClaim', 'demo-md-0-abc-1', { metadata: { labels: label } }),
  object('Cluster', 'other', { spec: { controlPlaneRef: { name: 'other-control-plane' } } }),
  object('TalosControlPlane', 'other-control-plane'),
  object('Secret', 'other-kubeconfig', { metadata: { labels: { 'cluster.x-k8s.io/cluster-name': 'other' } } }),
  object('ProxmoxMachineTemplate', 'unused'),
];
const names = (objects: readonly KindedObject[]) => objects.map((o) => `${o.kind}/${o.object.metadata?.name ?? ''}`);

describe('selectClusterObjects', () => {
  const selection = selectClusterObjects('demo', listed);

  it("picks the cluster's objects, inventory, templates (old revisions too), Secrets and addresses, nothing of another cluster", () => {
    expect(names(selection.objects).sort()).toEqual(
      [
        'Cluster/demo',
        'IPAddress/127-0-1-11',
        'IPAddressClaim/demo-md-0-abc-1',
        'Machine/demo-md-0-abc-1',
        'MachineDeployment/demo-md-0',
        'MachineSet/demo-md-0-abc',
        'ProxmoxCluster/demo',
        'ProxmoxMachine/demo-md-0-abc-1',
        'ProxmoxMachineTemplate/demo-control-plane',
        'ProxmoxMachineTemplate/demo-workers',
        'ProxmoxMachineTemplate/demo-workers-old',
        'Secret/demo-kubeconfig',
        'Secret/demo-talos-secrets',
        'Secret/pve-token',
        'TalosConfigTemplate/demo-workers',
        'TalosControlPlane/demo-control-plane',
      ].sort(),
    );
  });

  it('creates every owner before what it owns, Secrets and addresses before the Cluster', () => {
    const order = names(selection.objects);
    const at = (key: string) => order.indexOf(key);
    expect(at('Cluster/demo')).toBeLessThan(at('MachineDeployment/demo-md-0'));
    expect(at('MachineDeployment/demo-md-0')).toBeLessThan(at('MachineSet/demo-md-0-abc'));
    expect(at('MachineSet/demo-md-0-abc')).toBeLessThan(at('Machine/demo-md-0-abc-1'));
    expect(at('Machine/demo-md-0-abc-1')).toBeLessThan(at('ProxmoxMachine/demo-md-0-abc-1'));
    expect(at('Secret/demo-talos-secrets')).toBeLessThan(at('Cluster/demo'));
    expect(at('IPAddress/127-0-1-11')).toBeLessThan(at('Cluster/demo'));
  });

  it('leaves on the source only what another cluster there uses too (a template, the credentials Secret)', () => {
    // Another cluster whose control plane uses demo's control-plane template and whose ProxmoxCluster the same token.
    const replaced = new Set(['Cluster/other', 'TalosControlPlane/other-control-plane']);
    const shared = [
      ...listed.filter((o) => !replaced.has(`${o.kind}/${o.object.metadata?.name ?? ''}`)),
      object('Cluster', 'other', { spec: { controlPlaneRef: { name: 'other-control-plane' }, infrastructureRef: { name: 'other' } } }),
      object('ProxmoxCluster', 'other', { spec: { credentialsRef: { name: 'pve-token' } } }),
      object('TalosControlPlane', 'other-control-plane', { spec: { infrastructureTemplate: { name: 'demo-control-plane' } } }),
    ];
    expect([...selectClusterObjects('demo', shared).shared].sort()).toEqual([
      'ProxmoxMachineTemplate/demo-control-plane',
      'Secret/pve-token',
    ]);
    // Alone in its namespace, the cluster takes its templates and credentials along.
    expect([...selection.shared]).toEqual([]);
  });

  it('selects nothing for a cluster that is not there', () => {
    expect(selectClusterObjects('nope', listed).objects).toEqual([]);
  });
});

describe('ownersFirst', () => {
  it('puts an owner first even when its kind would come later', () => {
    const child = object('Secret', 'child', { metadata: { ownerReferences: [owner('Cluster', 'root')] } });
    const root = object('Cluster', 'root');
    expect(names(ownersFirst([child, root]))).toEqual(['Cluster/root', 'Secret/child']);
  });

  it('orders a cycle anyway rather than dropping objects', () => {
    const a = object('Machine', 'a', { metadata: { ownerReferences: [owner('Machine', 'b')] } });
    const b = object('Machine', 'b', { metadata: { ownerReferences: [owner('Machine', 'a')] } });
    expect(names(ownersFirst([a, b])).sort()).toEqual(['Machine/a', 'Machine/b']);
  });
});

describe('targetCopy', () => {
  it('drops what the API server sets and the status, points owners at the copies, records the source uid', () => {
    const machine = object('Machine', 'm', {
      metadata: {
        resourceVersion: '42',
        creationTimestamp: '2026-01-01T00:00:00Z',
        generation: 3,
        labels: label,
        annotations: { keep: 'me' },
        finalizers: ['machine.cluster.x-k8s.io'],
        ownerReferences: [{ ...owner('MachineSet', 'ms'), controller: true }, owner('Other', 'gone')],
      },
      spec: { clusterName: 'demo' },
      status: { phase: 'Running' },
    });
    const copy = targetCopy(machine, new Map([['uid-ms', 'new-ms']]), 'cluster.x-k8s.io/v1beta1');
    expect(copy).toEqual({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Machine',
      metadata: {
        name: 'm',
        namespace: 'ns',
        labels: label,
        annotations: { keep: 'me', [movedFromAnnotation]: 'uid-m' },
        finalizers: ['machine.cluster.x-k8s.io'],
        ownerReferences: [{ ...owner('MachineSet', 'ms'), uid: 'new-ms', controller: true }],
      },
      spec: { clusterName: 'demo' },
    });
  });

  it('keeps the type and data of a Secret', () => {
    const secret = object('Secret', 's', { type: 'cluster.x-k8s.io/secret', data: { value: 'YQ==' } } as RawObject);
    expect(targetCopy(secret, new Map(), 'v1')).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'cluster.x-k8s.io/secret',
      data: { value: 'YQ==' },
    });
  });
});

describe('rewriteOwnerReferences', () => {
  it('maps known owners and drops unknown ones', () => {
    expect(rewriteOwnerReferences([owner('Cluster', 'a'), owner('Cluster', 'b')], new Map([['uid-b', 'x']]))).toEqual([
      { ...owner('Cluster', 'b'), uid: 'x' },
    ]);
  });
});
