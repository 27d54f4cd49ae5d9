import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectsFromManifests, toDesiredCluster } from '../../../api/capi/to-desired-cluster.ts';
import { generateTopology } from '../../../api/capi/topology/generate.ts';
import { capstanCrds } from '../../../api/crds.ts';
import { applyCrds } from '../../../client/kubernetes/apply-crds.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { stringify } from 'yaml';
import { kubectl, kubectlOutput } from '../../deploy/kustomize.ts';
import { at, demoManifests, loadManifests, manifest, type Manifest } from './manifests.ts';
import { topologyObjects } from './topology/class-fixture.ts';

/** The demo cluster's MachineHealthChecks, a fresh copy each call. */
const healthChecks = (): Manifest[] => loadManifests('health-checks.yaml');

const namespace = 'default';
const dataDir = makeTempDir('capi-crds');
let management: ManagementCluster | undefined;
let objects: CustomObjectsApi;

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: dataDir.path, ephemeral: true });
  objects = management.kubeConfig.makeApiClient(CustomObjectsApi);
  // Everything config/crd/ holds installs together, as `kubectl apply -f config/crd/` would.
  await applyCrds(management.kubeConfig, capstanCrds);
});
afterAll(async () => {
  await management?.stop();
  dataDir.remove();
});

function resourceOf(kind: string): { group: string; version: string; plural: string } {
  const crd = capstanCrds.find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  return { group: crd.spec.group, version: crd.spec.versions[0]?.name ?? '', plural: crd.spec.names.plural };
}

/** Server-side apply, refusing unknown fields: an accepted manifest was stored as written, nothing pruned. */
async function apply(document: Manifest): Promise<Record<string, unknown>> {
  return (await objects.patchNamespacedCustomObject(
    {
      ...resourceOf(document.kind),
      namespace,
      name: document.metadata.name,
      body: document,
      fieldManager: 'capstan-test',
      fieldValidation: 'Strict',
      force: true,
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  )) as Record<string, unknown>;
}

/** Why the API server refused a write (its 4xx message, as kubectl prints it), or undefined when it took it. */
async function refusal(write: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await write();
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return `${error.code}: ${(body as { message?: string }).message ?? ''}`;
  }
}

/** Why the API server refused to create a manifest, or undefined when it took it. */
function rejection(document: Manifest): Promise<string | undefined> {
  return refusal(() =>
    objects.createNamespacedCustomObject({ ...resourceOf(document.kind), namespace, body: document, fieldValidation: 'Strict' }),
  );
}

async function list(kind: string): Promise<unknown[]> {
  return ((await objects.listNamespacedCustomObject({ ...resourceOf(kind), namespace })) as { items: unknown[] }).items;
}

describe('the CAPI CRDs on a real kube-apiserver', () => {
  it('accept realistic manifests unchanged, and what the server stores maps like the files', async () => {
    const documents = [...demoManifests(), ...loadManifests('unsupported-fields.yaml')];
    for (const document of documents) {
      const stored = await apply(document);
      expect(stored.spec, `${document.kind} ${document.metadata.name} came back changed`).toEqual(document.spec);
    }
    const fromServer = {
      clusters: await list('Cluster'),
      talosControlPlanes: await list('TalosControlPlane'),
      machineDeployments: await list('MachineDeployment'),
      proxmoxClusters: await list('ProxmoxCluster'),
      proxmoxMachineTemplates: await list('ProxmoxMachineTemplate'),
      talosConfigTemplates: await list('TalosConfigTemplate'),
    };
    const served = toDesiredCluster({ namespace, name: 'demo' }, fromServer);
    const written = toDesiredCluster({ namespace, name: 'demo' }, objectsFromManifests(demoManifests()));
    expect(served.ok && written.ok).toBe(true);
    if (served.ok && written.ok) expect({ ...served.desired, generation: 0 }).toEqual(written.desired);
    if (served.ok) expect(served.desired.generation).toBe(1);
  });

  it('accept a ClusterClass, its templates, topology Clusters and the objects generated from them, unchanged', async () => {
    const documents = loadManifests('cluster-class.yaml');
    // The API server gives uids; a written one is a precondition no new object meets.
    for (const document of documents) delete (document.metadata as { uid?: string }).uid;
    const result = generateTopology(
      documents.find((d) => d.kind === 'Cluster' && d.metadata.name === 'beta'),
      topologyObjects(documents),
    );
    if (!result.ok) throw new Error('the fixture generates');
    for (const document of [...documents, ...(result.generated.objects as Manifest[])]) {
      const stored = await apply(document);
      expect(stored.spec, `${document.kind} ${document.metadata.name} came back changed`).toEqual(document.spec);
    }
  });

  type Edit = (documents: Manifest[]) => Manifest;
  it.each<[string, Edit, RegExp]>([
    [
      'an even control plane (enum)',
      (d) => {
        const tcp = manifest(d, 'TalosControlPlane', 'demo-control-plane');
        at(tcp, 'spec').replicas = 4;
        return tcp;
      },
      /^422: .*spec\.replicas: Unsupported value: 4: supported values: "1", "3", "5", "7"/,
    ],
    [
      'an even control plane in a topology',
      () => ({
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'Cluster',
        metadata: { name: 'even', namespace },
        spec: { topology: { class: 'talos-proxmox', version: 'v1.33.4', controlPlane: { replicas: 4 } } },
      }),
      /^422: .*spec\.topology\.controlPlane\.replicas: Unsupported value: 4: supported values: "1", "3", "5", "7"/,
    ],
    [
      'replicas that are not a number',
      (d) => {
        const tcp = manifest(d, 'TalosControlPlane', 'demo-control-plane');
        at(tcp, 'spec').replicas = 'three';
        return tcp;
      },
      /^422: .*spec\.replicas in body must be of type integer: "string"/,
    ],
    [
      'a strategy CAPI does not know',
      (d) => {
        const md = manifest(d, 'MachineDeployment', 'demo-md-0');
        at(md, 'spec').strategy = { type: 'Sideways' };
        return md;
      },
      /^422: .*spec\.strategy\.type: Unsupported value: "Sideways"/,
    ],
    [
      'a VM smaller than Talos boots in',
      (d) => {
        const template = manifest(d, 'ProxmoxMachineTemplate', 'demo-workers');
        at(template, 'spec.template.spec').memoryMiB = 512;
        return template;
      },
      /spec\.template\.spec\.memoryMiB.*greater than or equal to 1024/,
    ],
    [
      'a Kubernetes version that is not a release',
      (d) => {
        const tcp = manifest(d, 'TalosControlPlane', 'demo-control-plane');
        at(tcp, 'spec').version = '1.34';
        return tcp;
      },
      /spec\.version.*should match/,
    ],
    [
      'a field no provider has (strict field validation)',
      (d) => {
        const cluster = manifest(d, 'ProxmoxCluster', 'demo');
        at(cluster, 'spec').ipv4Pool = { addresses: ['10.0.0.10-10.0.0.20'] };
        return cluster;
      },
      /^400: .*unknown field "spec\.ipv4Pool"/,
    ],
    [
      'a surge that is neither a count nor a percentage',
      (d) => {
        const md = manifest(d, 'MachineDeployment', 'demo-md-0');
        at(md, 'spec').strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: true } };
        return md;
      },
      /spec\.strategy\.rollingUpdate\.maxSurge/,
    ],
  ])('reject %s at apply time', async (_name, edit, expected) => {
    const documents = demoManifests();
    const invalid = edit(documents);
    invalid.metadata.name = `${invalid.metadata.name}-invalid`;
    expect(await rejection(invalid)).toMatch(expected);
  });

  it('accept the …/v1beta1 apiVersions guides print for TalosControlPlane, ProxmoxCluster and ProxmoxMachineTemplate, warning which to write', async () => {
    // The demo cluster as such a guide would write it, in a namespace of its own.
    const ns = 'guide-versions';
    const aliased: Record<string, string> = {
      TalosControlPlane: 'controlplane.cluster.x-k8s.io/v1beta1',
      ProxmoxCluster: 'infrastructure.cluster.x-k8s.io/v1beta1',
      ProxmoxMachineTemplate: 'infrastructure.cluster.x-k8s.io/v1beta1',
    };
    const documents = demoManifests().map((d) => {
      const document = {
        ...d,
        metadata: { ...d.metadata, namespace: ns },
        ...(aliased[d.kind] ? { apiVersion: aliased[d.kind] } : {}),
      } as Manifest;
      if (document.kind === 'Cluster') {
        const spec = document.spec as { controlPlaneRef: { apiVersion: string }; infrastructureRef: { apiVersion: string } };
        spec.controlPlaneRef.apiVersion = 'controlplane.cluster.x-k8s.io/v1beta1';
        spec.infrastructureRef.apiVersion = 'infrastructure.cluster.x-k8s.io/v1beta1';
      }
      return document;
    });
    kubectl(['create', 'namespace', ns], { kubeconfig: management!.kubeconfigPath });
    const { stderr } = kubectlOutput(['apply', '--server-side', '-f', '-'], {
      kubeconfig: management!.kubeconfigPath,
      input: documents.map((d) => stringify(d)).join('---\n'),
    });
    expect(stderr).toContain(
      'Warning: controlplane.cluster.x-k8s.io/v1beta1 TalosControlPlane is read as v1alpha3, the version the Talos control-plane provider (CACPPT) serves: write apiVersion: controlplane.cluster.x-k8s.io/v1alpha3',
    );
    expect(stderr).toContain('Warning: infrastructure.cluster.x-k8s.io/v1beta1 ProxmoxCluster is read as v1alpha1');
    // Stored and served as the providers' versions, and mapped like the demo as written.
    const tcp = (await objects.getNamespacedCustomObject({
      ...resourceOf('TalosControlPlane'),
      namespace: ns,
      name: 'demo-control-plane',
    })) as Manifest;
    expect(tcp.apiVersion).toBe('controlplane.cluster.x-k8s.io/v1alpha3');
    const fromServer = async (kind: string) =>
      ((await objects.listNamespacedCustomObject({ ...resourceOf(kind), namespace: ns })) as { items: unknown[] }).items;
    const served = toDesiredCluster(
      { namespace: ns, name: 'demo' },
      {
        clusters: await fromServer('Cluster'),
        talosControlPlanes: await fromServer('TalosControlPlane'),
        machineDeployments: await fromServer('MachineDeployment'),
        proxmoxClusters: await fromServer('ProxmoxCluster'),
        proxmoxMachineTemplates: await fromServer('ProxmoxMachineTemplate'),
        talosConfigTemplates: await fromServer('TalosConfigTemplate'),
      },
    );
    const written = toDesiredCluster({ namespace: ns, name: 'demo' }, objectsFromManifests(documents, ns));
    expect(served.ok && written.ok).toBe(true);
    if (served.ok && written.ok) expect({ ...served.desired, generation: 0 }).toEqual({ ...written.desired, generation: 0 });
  });

  it("serve Machines the way `kubectl get machines -o wide` shows CAPI's", async () => {
    const machine = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Machine',
      metadata: { name: 'demo-md-0-x7k2p', labels: { 'cluster.x-k8s.io/cluster-name': 'demo' } },
      spec: { clusterName: 'demo', version: 'v1.33.4', bootstrap: {}, providerID: 'proxmox://4c4c4544-0031-3310-8050-b3c04f4e3232' },
    };
    await objects.createNamespacedCustomObject({ ...resourceOf('Machine'), namespace, body: machine });
    await objects.patchNamespacedCustomObjectStatus(
      {
        ...resourceOf('Machine'),
        namespace,
        name: machine.metadata.name,
        body: {
          status: {
            phase: 'Running',
            nodeRef: { kind: 'Node', name: 'demo-md-0-x7k2p' },
            addresses: [
              { type: 'InternalIP', address: '10.10.10.23' },
              { type: 'Hostname', address: 'demo-md-0-x7k2p' },
            ],
            nodeInfo: { kubeletVersion: 'v1.33.4', osImage: 'Talos (v1.11.5)' },
            proxmox: { node: 'pve2', vmid: 1042 },
            talosVersion: 'v1.11.5',
            conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-11-20T10:00:00Z' }],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const table = (await objects.getNamespacedCustomObject(
      { ...resourceOf('Machine'), namespace, name: machine.metadata.name },
      setHeaderOptions('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io'),
    )) as { columnDefinitions: Array<{ name: string; priority: number }>; rows: Array<{ cells: unknown[] }> };
    const names = table.columnDefinitions.map((c) => c.name);
    const cells = Object.fromEntries(names.map((name, i) => [name, table.rows[0]?.cells[i]]));
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      'Name',
      'Cluster',
      'NodeName',
      'ProviderID',
      'Phase',
      'Age',
      'Version',
    ]);
    expect(cells).toMatchObject({
      Name: 'demo-md-0-x7k2p',
      Cluster: 'demo',
      NodeName: 'demo-md-0-x7k2p',
      ProviderID: machine.spec.providerID,
      Phase: 'Running',
      Version: 'v1.33.4',
      'Proxmox-Node': 'pve2',
      VMID: 1042,
      Address: '10.10.10.23',
      Talos: 'v1.11.5',
    });
  });

  it('scale MachineDeployments and TalosControlPlanes like CAPI (`kubectl scale md`)', async () => {
    const documents = demoManifests();
    await apply(manifest(documents, 'MachineDeployment', 'demo-md-0'));
    await apply(manifest(documents, 'TalosControlPlane', 'demo-control-plane'));
    const scale = (await objects.getNamespacedCustomObjectScale({ ...resourceOf('MachineDeployment'), namespace, name: 'demo-md-0' })) as {
      spec: { replicas: number };
    };
    expect(scale.spec.replicas).toBe(2);
    const tcpScale = (await objects.getNamespacedCustomObjectScale({
      ...resourceOf('TalosControlPlane'),
      namespace,
      name: 'demo-control-plane',
    })) as { spec: { replicas: number } };
    expect(tcpScale.spec.replicas).toBe(3);
  });

  it('store MachineHealthChecks as CAPI does: defaults filled in, `kubectl get mhc` columns, and what they map to', async () => {
    for (const document of healthChecks()) await apply(document);
    const stored = (await list('MachineHealthCheck')) as Manifest[];
    const controlPlane = stored.find((m) => m.metadata.name === 'demo-control-plane');
    // CAPI's defaulting webhook writes both; the schema's defaults do it here.
    expect(controlPlane?.spec).toMatchObject({ maxUnhealthy: '100%', nodeStartupTimeout: '10m0s', unhealthyRange: '[1-1]' });
    const table = (await objects.getNamespacedCustomObject(
      { ...resourceOf('MachineHealthCheck'), namespace, name: 'demo-workers' },
      setHeaderOptions('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io'),
    )) as { columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'Cluster',
      'ExpectedMachines',
      'MaxUnhealthy',
      'CurrentHealthy',
      'Age',
    ]);
    expect(table.rows[0]?.cells.slice(0, 4)).toEqual(['demo-workers', 'demo', null, '40%']);
    const mapped = toDesiredCluster({ namespace, name: 'demo' }, { ...objectsFromManifests(demoManifests()), machineHealthChecks: stored });
    expect(mapped.ok && mapped.desired.healthChecks.map((c) => [c.name, c.nodeStartupTimeoutSeconds])).toEqual([
      ['demo-control-plane', 600],
      ['demo-workers', 1200],
    ]);
  });

  type MhcEdit = (spec: Record<string, unknown>) => void;
  it.each<[string, MhcEdit, RegExp]>([
    [
      'an unhealthyRange that is not [min-max]',
      (spec) => {
        spec.unhealthyRange = '1-3';
      },
      /^422: .*spec\.unhealthyRange: Invalid value: "1-3": spec\.unhealthyRange in body should match/,
    ],
    [
      'an unhealthyRange whose minimum is above its maximum (CEL rule)',
      (spec) => {
        spec.unhealthyRange = '[3-1]';
      },
      /^422: .*spec\.unhealthyRange: Invalid value: .*must be \[min-max\] with min not above max/,
    ],
    [
      'a nodeStartupTimeout under 30s (CEL rule)',
      (spec) => {
        spec.nodeStartupTimeout = '10s';
      },
      /^422: .*spec\.nodeStartupTimeout: Invalid value: .*must be 0 \(no startup check\) or at least 30s/,
    ],
    [
      'a nodeStartupTimeout that is no duration',
      (spec) => {
        spec.nodeStartupTimeout = 'ten minutes';
      },
      /^422: .*spec\.nodeStartupTimeout: Invalid value: "ten minutes": spec\.nodeStartupTimeout in body should match/,
    ],
    [
      'a maxUnhealthy that is neither a count nor a percentage (CEL rule)',
      (spec) => {
        spec.maxUnhealthy = 'half';
      },
      /^422: .*spec\.maxUnhealthy: Invalid value: .*must be a count or a percentage like 40%/,
    ],
    [
      'an empty selector (CEL rule)',
      (spec) => {
        spec.selector = {};
      },
      /^422: .*spec\.selector: Invalid value: .*must not be empty/,
    ],
    [
      "a selector naming another cluster's Machines (CEL rule)",
      (spec) => {
        spec.selector = { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'prod' } };
      },
      /^422: .*spec: Invalid value: .*must be spec\.clusterName/,
    ],
    [
      'a MachineHealthCheck without a cluster',
      (spec) => {
        delete spec.clusterName;
      },
      /^422: .*spec\.clusterName: Required value/,
    ],
  ])('refuse a MachineHealthCheck with %s at apply time', async (_name, edit, expected) => {
    const mhc = manifest(healthChecks(), 'MachineHealthCheck', 'demo-workers');
    mhc.metadata.name = 'demo-workers-invalid';
    edit(at(mhc, 'spec'));
    expect(await rejection(mhc)).toMatch(expected);
  });

  // CAPI's webhooks refuse it; re-applying a MachineDeployment under another cluster would otherwise move it and its machines.
  it.each<[string, Manifest]>([
    ['MachineDeployment', { ...manifest(demoManifests(), 'MachineDeployment', 'demo-md-0'), metadata: { name: 'moving-md' } }],
    [
      'MachineSet',
      {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'MachineSet',
        metadata: { name: 'moving-ms' },
        spec: {
          clusterName: 'demo',
          selector: { matchLabels: { 'cluster.x-k8s.io/set-name': 'moving-ms' } },
          template: {
            metadata: { labels: { 'cluster.x-k8s.io/set-name': 'moving-ms' } },
            spec: { clusterName: 'demo', bootstrap: {} },
          },
        },
      },
    ],
    [
      'Machine',
      {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'Machine',
        metadata: { name: 'moving-machine' },
        spec: { clusterName: 'demo', bootstrap: {} },
      },
    ],
  ])("refuse a change of a %s's spec.clusterName and keep the object as it was", async (kind, document) => {
    const stored = await apply(document);
    const moved = structuredClone(document);
    at(moved, 'spec').clusterName = 'other';
    expect(await refusal(() => apply(moved))).toBe(
      `422: ${kind}.cluster.x-k8s.io "${document.metadata.name}" is invalid: spec.clusterName: Invalid value: "string": ` +
        `spec.clusterName is immutable: a ${kind} stays with its cluster; create a new ${kind} for the other cluster instead`,
    );
    const after = (await objects.getNamespacedCustomObject({ ...resourceOf(kind), namespace, name: document.metadata.name })) as {
      metadata: { resourceVersion: string };
      spec: { clusterName: string };
    };
    expect(after.spec.clusterName).toBe('demo');
    expect(after.metadata.resourceVersion).toBe((stored as { metadata: { resourceVersion: string } }).metadata.resourceVersion);

    // An update that keeps the cluster passes the rule.
    const relabelled = structuredClone(document);
    relabelled.metadata.annotations = { team: 'platform' };
    expect(await refusal(() => apply(relabelled))).toBeUndefined();
  });

  it('accept the nodeStartupTimeouts CAPI accepts: 0 (off) and 30s', async () => {
    for (const timeout of ['0', '30s']) {
      const mhc = manifest(healthChecks(), 'MachineHealthCheck', 'demo-workers');
      mhc.metadata.name = `demo-workers-${timeout.replace(/\D/g, '')}`;
      at(mhc, 'spec').nodeStartupTimeout = timeout;
      expect(await rejection(mhc)).toBeUndefined();
    }
  });
});
