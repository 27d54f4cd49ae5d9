import { describe, expect, it } from 'vitest';
import { describeIssue } from '../../../../api/capi/mapping/issues.ts';
import { objectsFromManifests, toDesiredCluster } from '../../../../api/capi/to-desired-cluster.ts';
import { generateTopology, type GeneratedTopology } from '../../../../api/capi/topology/generate.ts';
import { at, type Manifest } from '../manifests.ts';
import { classManifests, documentNamed, topologyObjects } from './class-fixture.ts';

type Json = Record<string, unknown>;

function generated(documents: Manifest[], cluster: string, existing: readonly object[] = []): GeneratedTopology {
  const result = generateTopology(documentNamed(documents, 'Cluster', cluster), topologyObjects([...documents, ...existing]));
  if (!result.ok) throw new Error(`expected objects, got:\n${result.errors.map(describeIssue).join('\n')}`);
  expect(result.warnings.map(describeIssue)).toEqual([]);
  return result.generated;
}

function errorsOf(documents: Manifest[], cluster = 'alpha'): string[] {
  const result = generateTopology(documentNamed(documents, 'Cluster', cluster), topologyObjects(documents));
  if (result.ok) throw new Error('expected errors, generation succeeded');
  return result.errors.map(describeIssue);
}

const nameOf = (object: Json): string => (object.metadata as { name: string }).name;
const spec = (object: Json): Json => object.spec as Json;
const templateSpec = (object: Json): Json => (spec(object).template as { spec: Json }).spec;
const names = (g: GeneratedTopology): string[] => g.objects.map(nameOf);

/** The Cluster as the controller would write it back: its references set to the generated objects. */
function clusterWithRefs(documents: Manifest[], cluster: string, g: GeneratedTopology): Json {
  const original = documentNamed(documents, 'Cluster', cluster);
  return { ...original, spec: { ...(original.spec as Json), controlPlaneRef: g.controlPlaneRef, infrastructureRef: g.infrastructureRef } };
}

describe('topology generation', () => {
  it('makes the objects of two Clusters from one ClusterClass, named and labelled as CAPI does', () => {
    const documents = classManifests();
    const alpha = generated(documents, 'alpha');
    const beta = generated(documents, 'beta');

    expect(nameOf(alpha.proxmoxCluster)).toMatch(/^alpha-[b-z2-9]{5}$/);
    expect(nameOf(alpha.talosControlPlane)).toMatch(/^alpha-[b-z2-9]{5}$/);
    expect(nameOf(alpha.controlPlaneMachineTemplate)).toMatch(/^alpha-[b-z2-9]{5}$/);
    expect(alpha.machineDeployments.map((md) => nameOf(md.machineDeployment))).toEqual([
      expect.stringMatching(/^alpha-md-0-[b-z2-9]{5}$/),
      expect.stringMatching(/^alpha-md-1-[b-z2-9]{5}$/),
    ]);
    expect(new Set([...names(alpha), ...names(beta)]).size).toBe(names(alpha).length + names(beta).length);
    expect(alpha.objects.map((o) => o.kind)).toEqual([
      'ProxmoxCluster',
      'ProxmoxMachineTemplate',
      'TalosControlPlane',
      'TalosConfigTemplate',
      'ProxmoxMachineTemplate',
      'MachineDeployment',
      'TalosConfigTemplate',
      'ProxmoxMachineTemplate',
      'MachineDeployment',
    ]);

    const md0 = alpha.machineDeployments[0]!;
    expect(md0.machineDeployment.metadata).toMatchObject({
      namespace: 'default',
      labels: {
        'cluster.x-k8s.io/cluster-name': 'alpha',
        'topology.cluster.x-k8s.io/owned': '',
        'topology.cluster.x-k8s.io/deployment-name': 'md-0',
        'node-role.kubernetes.io/worker': '',
      },
      ownerReferences: [
        { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', name: 'alpha', uid: '7d9c5a8e-0000-4000-8000-00000000a1fa' },
      ],
    });
    expect(spec(md0.machineDeployment)).toMatchObject({
      clusterName: 'alpha',
      replicas: 2,
      selector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'alpha', 'topology.cluster.x-k8s.io/deployment-name': 'md-0' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        spec: {
          version: 'v1.33.4',
          nodeDrainTimeout: '5m',
          bootstrap: { configRef: { kind: 'TalosConfigTemplate', name: nameOf(md0.bootstrapTemplate) } },
          infrastructureRef: { kind: 'ProxmoxMachineTemplate', name: nameOf(md0.infrastructureTemplate) },
        },
      },
    });
    expect(md0.infrastructureTemplate.metadata).toMatchObject({
      labels: { 'topology.cluster.x-k8s.io/deployment-name': 'md-0', 'topology.cluster.x-k8s.io/owned': '' },
      annotations: {
        'cluster.x-k8s.io/cloned-from-name': 'talos-proxmox-worker',
        'cluster.x-k8s.io/cloned-from-groupkind': 'ProxmoxMachineTemplate.infrastructure.cluster.x-k8s.io',
      },
    });

    // Variables and patches: endpoint and pool from variables (port from the schema default), the
    // per-MachineDeployment override, and beta's enabledIf-guarded VLAN.
    expect(spec(alpha.proxmoxCluster)).toMatchObject({
      controlPlaneEndpoint: { host: '10.10.10.5', port: 6443 },
      ipv4Config: { addresses: ['10.10.10.20-10.10.10.60'], prefix: 24, gateway: '10.10.10.1' },
      dnsServers: ['1.1.1.1'],
    });
    expect(alpha.machineDeployments.map((md) => templateSpec(md.infrastructureTemplate).numCores)).toEqual([2, 4]);
    expect(templateSpec(alpha.machineDeployments[0]!.infrastructureTemplate).network).toEqual({ default: { bridge: 'vmbr1' } });
    expect(templateSpec(beta.machineDeployments[0]!.infrastructureTemplate).network).toEqual({ default: { bridge: 'vmbr1', vlan: 30 } });
    expect(spec(beta.proxmoxCluster).dnsServers).toEqual(['10.10.20.1']);

    expect(spec(alpha.talosControlPlane)).toMatchObject({
      version: 'v1.33.4',
      replicas: 3,
      infrastructureTemplate: { kind: 'ProxmoxMachineTemplate', name: nameOf(alpha.controlPlaneMachineTemplate), namespace: 'default' },
      controlPlaneConfig: { controlplane: { generateType: 'controlplane', talosVersion: 'v1.11.5' } },
    });
    expect(spec(beta.talosControlPlane)).toMatchObject({ version: 'v1.34.1', replicas: 1 });
    expect(alpha.controlPlaneRef).toEqual({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
      kind: 'TalosControlPlane',
      name: nameOf(alpha.talosControlPlane),
      namespace: 'default',
    });
  });

  it.each(['alpha', 'beta'])('gives %s objects that Capstan’s mapping accepts without an issue', (cluster) => {
    const documents = classManifests();
    const g = generated(documents, cluster);
    const result = toDesiredCluster(
      { namespace: 'default', name: cluster },
      objectsFromManifests([clusterWithRefs(documents, cluster, g), ...g.objects]),
    );
    if (!result.ok) throw new Error(result.errors.map(describeIssue).join('\n'));
    expect(result.warnings.map(describeIssue)).toEqual([]);
    expect(result.desired.controlPlane.replicas).toBe(cluster === 'alpha' ? 3 : 1);
    expect(result.desired.machineDeployments.map((md) => md.replicas)).toEqual(cluster === 'alpha' ? [2, 1] : [3]);
  });

  it('keeps every name when the objects it generated exist, and generates the same objects again', () => {
    const documents = classManifests();
    const first = generated(documents, 'alpha');
    const withRefs = documents.map((d) =>
      d.kind === 'Cluster' && d.metadata.name === 'alpha' ? (clusterWithRefs(documents, 'alpha', first) as Manifest) : d,
    );
    const again = generated(withRefs, 'alpha', first.objects);
    expect(again).toEqual(first);
    expect(generated(documents, 'alpha')).toEqual(first);
  });

  it('keeps the names of the ProxmoxCluster, control plane and MachineDeployments written by an earlier generation', () => {
    const documents = classManifests();
    const first = generated(documents, 'alpha');
    // Renamed as if CAPI's random suffixes had chosen them: found again through the references and labels.
    const renamed = first.objects.map((o) => structuredClone(o));
    const rename = (kind: string, from: string, to: string): void => {
      const object = renamed.find((o) => o.kind === kind && nameOf(o) === from)!;
      (object.metadata as { name: string }).name = to;
    };
    rename('ProxmoxCluster', nameOf(first.proxmoxCluster), 'alpha-q7x2z');
    rename('TalosControlPlane', nameOf(first.talosControlPlane), 'alpha-k4m9p');
    rename('MachineDeployment', nameOf(first.machineDeployments[0]!.machineDeployment), 'alpha-md-0-zz9zz');
    const cluster = clusterWithRefs(documents, 'alpha', first);
    (cluster.spec as Json).infrastructureRef = { ...first.infrastructureRef, name: 'alpha-q7x2z' };
    (cluster.spec as Json).controlPlaneRef = { ...first.controlPlaneRef, name: 'alpha-k4m9p' };
    const withRefs = documents.map((d) => (d.kind === 'Cluster' && d.metadata.name === 'alpha' ? (cluster as Manifest) : d));
    const again = generated(withRefs, 'alpha', renamed);
    expect(nameOf(again.proxmoxCluster)).toBe('alpha-q7x2z');
    expect(nameOf(again.talosControlPlane)).toBe('alpha-k4m9p');
    expect(nameOf(again.machineDeployments[0]!.machineDeployment)).toBe('alpha-md-0-zz9zz');
    expect(nameOf(again.controlPlaneMachineTemplate)).toBe(nameOf(first.controlPlaneMachineTemplate));
  });

  /** Generates alpha, applies `change` to the documents, and generates again with the first objects existing. */
  function regenerate(change: (documents: Manifest[]) => void): { before: GeneratedTopology; after: GeneratedTopology } {
    const documents = classManifests();
    const before = generated(documents, 'alpha');
    const withRefs = documents.map((d) =>
      d.kind === 'Cluster' && d.metadata.name === 'alpha' ? (clusterWithRefs(documents, 'alpha', before) as Manifest) : d,
    );
    change(withRefs);
    return { before, after: generated(withRefs, 'alpha', before.objects) };
  }

  const changedNames = (before: GeneratedTopology, after: GeneratedTopology): string[] =>
    before.objects.flatMap((o, i) => (nameOf(o) === nameOf(after.objects[i]!) ? [] : [`${o.kind as string} ${nameOf(o)}`]));

  it('rotates exactly the templates whose content a class change touches, and points their MachineDeployments at the new ones', () => {
    const { before, after } = regenerate((documents) => {
      at(documentNamed(documents, 'ProxmoxMachineTemplate', 'talos-proxmox-worker'), 'spec.template.spec').memoryMiB = 16384;
    });
    expect(changedNames(before, after)).toEqual(
      before.machineDeployments.map((md) => `ProxmoxMachineTemplate ${nameOf(md.infrastructureTemplate)}`),
    );
    for (const [i, md] of after.machineDeployments.entries()) {
      expect(nameOf(md.infrastructureTemplate)).toMatch(new RegExp(`^alpha-md-${i}-[b-z2-9]{5}$`));
      expect(templateSpec(md.infrastructureTemplate).memoryMiB).toBe(16384);
      expect(spec(md.machineDeployment)).toMatchObject({
        template: { spec: { infrastructureRef: { name: nameOf(md.infrastructureTemplate) } } },
      });
    }
  });

  it('rotates only the MachineDeployment whose variable override changed', () => {
    const { before, after } = regenerate((documents) => {
      const mds = at(documentNamed(documents, 'Cluster', 'alpha'), 'spec.topology.workers').machineDeployments as Json[];
      mds[1]!.variables = { overrides: [{ name: 'workerCores', value: 6 }] };
    });
    expect(changedNames(before, after)).toEqual([`ProxmoxMachineTemplate ${nameOf(before.machineDeployments[1]!.infrastructureTemplate)}`]);
    expect(templateSpec(after.machineDeployments[1]!.infrastructureTemplate).numCores).toBe(6);
  });

  it('rotates the control plane’s machine template when its class template changes, keeping the control plane', () => {
    const { before, after } = regenerate((documents) => {
      at(documentNamed(documents, 'ProxmoxMachineTemplate', 'talos-proxmox-control-plane'), 'spec.template.spec').numCores = 4;
    });
    expect(changedNames(before, after)).toEqual([`ProxmoxMachineTemplate ${nameOf(before.controlPlaneMachineTemplate)}`]);
    expect(spec(after.talosControlPlane).infrastructureTemplate).toMatchObject({ name: nameOf(after.controlPlaneMachineTemplate) });
  });

  it('rotates the bootstrap templates and updates the control plane in place when a variable their patches read changes', () => {
    const { before, after } = regenerate((documents) => {
      const variables = at(documentNamed(documents, 'Cluster', 'alpha'), 'spec.topology').variables as Json[];
      variables.push({ name: 'talosVersion', value: 'v1.11.6' });
    });
    expect(changedNames(before, after)).toEqual(
      before.machineDeployments.map((md) => `TalosConfigTemplate ${nameOf(md.bootstrapTemplate)}`),
    );
    expect(after.machineDeployments.map((md) => templateSpec(md.bootstrapTemplate).talosVersion)).toEqual(['v1.11.6', 'v1.11.6']);
    expect(spec(after.talosControlPlane).controlPlaneConfig).toMatchObject({ controlplane: { talosVersion: 'v1.11.6' } });
  });

  it('changes only the versions when topology.version is bumped', () => {
    const { before, after } = regenerate((documents) => {
      at(documentNamed(documents, 'Cluster', 'alpha'), 'spec.topology').version = 'v1.36.1';
    });
    expect(changedNames(before, after)).toEqual([]);
    const withoutVersions = (g: GeneratedTopology): unknown =>
      JSON.parse(
        JSON.stringify(g.objects).replaceAll('"version":"v1.33.4"', '"version":"X"').replaceAll('"version":"v1.36.1"', '"version":"X"'),
      );
    expect(withoutVersions(after)).toEqual(withoutVersions(before));
    expect(spec(after.talosControlPlane).version).toBe('v1.36.1');
    expect(after.machineDeployments.map((md) => (spec(md.machineDeployment).template as { spec: Json }).spec.version)).toEqual([
      'v1.36.1',
      'v1.36.1',
    ]);
  });

  it.each([
    [
      'a ClusterClass that does not exist',
      (d: Manifest[]) => void (at(documentNamed(d, 'Cluster', 'alpha'), 'spec.topology').class = 'nope'),
      ['Cluster default/alpha spec.topology.class: ClusterClass default/nope does not exist'],
    ],
    [
      'a class in another namespace',
      (d: Manifest[]) => void (at(documentNamed(d, 'Cluster', 'alpha'), 'spec.topology').classNamespace = 'shared'),
      [
        "Cluster default/alpha spec.topology.classNamespace: must be the Cluster's namespace default: Capstan reads ClusterClasses from the Cluster's namespace only",
      ],
    ],
    [
      'a worker class the ClusterClass lacks, and a MachineDeployment name used twice',
      (d: Manifest[]) => {
        const mds = at(documentNamed(d, 'Cluster', 'alpha'), 'spec.topology.workers').machineDeployments as Json[];
        mds[1]!.class = 'gpu-worker';
        mds[1]!.name = 'md-0';
      },
      [
        'Cluster default/alpha spec.topology.workers.machineDeployments[1].name: md-0 is used twice',
        'Cluster default/alpha spec.topology.workers.machineDeployments[1].class: gpu-worker is not a worker class of the ClusterClass (it has default-worker)',
      ],
    ],
    [
      'a control plane of another provider',
      (d: Manifest[]) =>
        void (at(documentNamed(d, 'ClusterClass', 'talos-proxmox'), 'spec.controlPlane.ref').kind = 'KubeadmControlPlaneTemplate'),
      [
        'ClusterClass default/talos-proxmox spec.controlPlane.ref.kind: must be TalosControlPlaneTemplate, not KubeadmControlPlaneTemplate: Capstan builds Talos clusters on Proxmox VE only',
      ],
    ],
    [
      'a class without control-plane machine infrastructure',
      (d: Manifest[]) => {
        delete at(documentNamed(d, 'ClusterClass', 'talos-proxmox'), 'spec.controlPlane').machineInfrastructure;
      },
      ['ClusterClass default/talos-proxmox spec.controlPlane.machineInfrastructure: is required: it must name a ProxmoxMachineTemplate'],
    ],
    [
      'a worker template that does not exist',
      (d: Manifest[]) => {
        const workers = at(documentNamed(d, 'ClusterClass', 'talos-proxmox'), 'spec.workers').machineDeployments as Json[];
        (workers[0]!.template as { bootstrap: { ref: Json } }).bootstrap.ref.name = 'gone';
      },
      [
        'ClusterClass default/talos-proxmox spec.workers.machineDeployments[0].template.bootstrap.ref.name: TalosConfigTemplate default/gone does not exist',
      ],
    ],
    [
      'MachinePools',
      (d: Manifest[]) => void (at(documentNamed(d, 'ClusterClass', 'talos-proxmox'), 'spec.workers').machinePools = [{ class: 'pool' }]),
      ['ClusterClass default/talos-proxmox spec.workers.machinePools: MachinePools are not supported by Capstan; use machineDeployments'],
    ],
    [
      'a variable value failing its schema',
      (d: Manifest[]) => {
        const variables = at(documentNamed(d, 'Cluster', 'alpha'), 'spec.topology').variables as Json[];
        variables.push({ name: 'workerCores', value: 32 });
      },
      ['Cluster default/alpha spec.topology.variables[2].value: must be <= 16'],
    ],
    [
      'a patch that leaves a template invalid',
      (d: Manifest[]) => {
        const patches = at(documentNamed(d, 'ClusterClass', 'talos-proxmox'), 'spec').patches as Json[];
        patches.push({
          name: 'tiny',
          definitions: [
            {
              selector: {
                apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
                kind: 'ProxmoxMachineTemplate',
                matchResources: { machineDeploymentClass: { names: ['default-worker'] } },
              },
              jsonPatches: [{ op: 'replace', path: '/spec/template/spec/memoryMiB', value: 512 }],
            },
          ],
        });
      },
      [
        "ProxmoxMachineTemplate default/talos-proxmox-worker spec.template.spec.memoryMiB: is invalid after the ClusterClass's patches for Cluster alpha: must be at least 1024 MiB: Talos does not boot with less",
      ],
    ],
    [
      'a patch whose variable the Cluster leaves unset',
      (d: Manifest[]) => {
        const variables = at(documentNamed(d, 'Cluster', 'beta'), 'spec.topology').variables as Json[];
        variables.splice(
          variables.findIndex((v) => v.name === 'workerVlan'),
          1,
        );
      },
      [
        'ClusterClass default/talos-proxmox spec.patches[3].definitions[0].jsonPatches[0].valueFrom.variable: for the ProxmoxMachineTemplate talos-proxmox-worker of MachineDeployment workers: workerVlan is not set',
      ],
      'beta',
    ],
  ] as [string, (d: Manifest[]) => void, string[], string?][])('refuses %s, naming the field', (_, change, expected, cluster = 'alpha') => {
    const documents = classManifests();
    change(documents);
    expect(errorsOf(documents, cluster)).toEqual(expected);
  });

  it('warns about what it accepts but ignores', () => {
    const documents = classManifests();
    at(documentNamed(documents, 'Cluster', 'alpha'), 'spec.topology').rolloutAfter = '2026-01-01T00:00:00Z';
    at(documentNamed(documents, 'ClusterClass', 'talos-proxmox'), 'spec.controlPlane').machineHealthCheck = { maxUnhealthy: 1 };
    const result = generateTopology(documentNamed(documents, 'Cluster', 'alpha'), topologyObjects(documents));
    expect(result.ok).toBe(true);
    expect(result.warnings.map(describeIssue)).toEqual([
      'Cluster default/alpha spec.topology.rolloutAfter: is not supported by Capstan and is ignored: Capstan rolls out when the class or the topology changes',
      'ClusterClass default/talos-proxmox spec.controlPlane.machineHealthCheck: is not supported by Capstan and is ignored: write a MachineHealthCheck for the control plane instead',
    ]);
  });
});
