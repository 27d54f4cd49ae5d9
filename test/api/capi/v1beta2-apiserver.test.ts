import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../../api/capi/cluster.ts';
import { conversionDataAnnotation } from '../../../api/capi/conversion/conversion-data.ts';
import { MachineDeployment } from '../../../api/capi/machine-deployment.ts';
import { MachineHealthCheck } from '../../../api/capi/machine-health-check.ts';
import { MachineSet } from '../../../api/capi/machine-set.ts';
import { Machine } from '../../../api/capi/machine.ts';
import { ClusterV1Beta2 } from '../../../api/capi/v1beta2/cluster.ts';
import { MachineDeploymentV1Beta2 } from '../../../api/capi/v1beta2/machine-deployment.ts';
import { MachineHealthCheckV1Beta2 } from '../../../api/capi/v1beta2/machine-health-check.ts';
import { MachineSetV1Beta2 } from '../../../api/capi/v1beta2/machine-set.ts';
import { MachineV1Beta2 } from '../../../api/capi/v1beta2/machine.ts';
import { capstanCrdsWith } from '../../../api/crds.ts';
import { applyCrds } from '../../../client/kubernetes/apply-crds.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { startLoopbackConversionWebhook, type LoopbackConversionWebhook } from '../../../embedded/servers/conversion-webhook.ts';
import {
  busyMachineDeploymentV1Beta1,
  clusterV1Beta2,
  documentOf,
  healthCheckV1Beta1,
  machineDeploymentV1Beta2,
  machineSetV1Beta1,
  observedMachineV1Beta1,
  topologyV1Beta1,
  topologyV1Beta2,
} from './conversion/objects.ts';

const namespace = 'default';
const group = 'cluster.x-k8s.io';
const dataDir = makeTempDir('capi-v1beta2');
let management: ManagementCluster | undefined;
let webhook: LoopbackConversionWebhook | undefined;
let objects: CustomObjectsApi;

beforeAll(async () => {
  webhook = await startLoopbackConversionWebhook();
  management = await startManagementCluster({ dataDir: dataDir.path, ephemeral: true });
  objects = management.kubeConfig.makeApiClient(CustomObjectsApi);
  await applyCrds(management.kubeConfig, capstanCrdsWith(webhook.crdOptions));
}, 120_000);
afterAll(async () => {
  await management?.stop();
  await webhook?.close();
  dataDir.remove();
});

type Version = 'v1beta1' | 'v1beta2';
const plurals = {
  Cluster: 'clusters',
  MachineDeployment: 'machinedeployments',
  MachineHealthCheck: 'machinehealthchecks',
  MachineSet: 'machinesets',
  Machine: 'machines',
} as const;
type Kind = keyof typeof plurals;

const resource = (kind: Kind, version: Version) => ({ group, version, plural: plurals[kind], namespace });

function create(kind: Kind, version: Version, body: object): Promise<unknown> {
  return objects.createNamespacedCustomObject({ ...resource(kind, version), body });
}

function read(kind: Kind, version: Version, name: string): Promise<unknown> {
  return objects.getNamespacedCustomObject({ ...resource(kind, version), name });
}

/** Server-side apply in `version`, as kubectl apply --server-side does. */
function apply(kind: Kind, version: Version, body: { metadata: { name: string } } & Record<string, unknown>): Promise<unknown> {
  return objects.patchNamespacedCustomObject(
    { ...resource(kind, version), name: body.metadata.name, body, fieldManager: 'v1beta2-test', force: true },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
}

function mergePatch(kind: Kind, version: Version, name: string, body: object): Promise<unknown> {
  return objects.patchNamespacedCustomObject(
    { ...resource(kind, version), name, body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

function patchStatus(kind: Kind, version: Version, name: string, status: object): Promise<unknown> {
  return objects.patchNamespacedCustomObjectStatus(
    { ...resource(kind, version), name, body: { status } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** Why the API server refused a write, as kubectl prints it. */
async function refusal(write: () => Promise<unknown>): Promise<string> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return `${error.code}: ${(body as { message?: string }).message ?? ''}`;
  }
  throw new Error('the write was accepted');
}

describe('cluster.x-k8s.io v1beta2 stored, v1beta1 converted by the webhook, on a real kube-apiserver', () => {
  it('a Cluster created in v1beta1 reads in v1beta2 with group-kind references, and in v1beta1 as written', async () => {
    const written = Cluster.parse(documentOf('examples/demo/cluster.yaml', 'Cluster'));
    await create('Cluster', 'v1beta1', written);
    const asV1Beta2 = ClusterV1Beta2.parse(await read('Cluster', 'v1beta2', 'demo'));
    expect(asV1Beta2.spec.controlPlaneRef).toStrictEqual({
      apiGroup: 'controlplane.cluster.x-k8s.io',
      kind: 'TalosControlPlane',
      name: 'demo-control-plane',
    });
    expect(asV1Beta2.spec.infrastructureRef).toStrictEqual({
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'ProxmoxCluster',
      name: 'demo',
    });
    const asV1Beta1 = Cluster.parse(await read('Cluster', 'v1beta1', 'demo'));
    expect(asV1Beta1.spec).toStrictEqual(written.spec);
  });

  it('a Cluster created in v1beta2 reads in v1beta1, and its v1beta1 conditions written through /status read as v1beta2 conditions', async () => {
    const written = clusterV1Beta2();
    const withoutStatus = { ...written, status: undefined };
    await create('Cluster', 'v1beta2', withoutStatus);
    const asV1Beta1 = Cluster.parse(await read('Cluster', 'v1beta1', 'edge'));
    expect(asV1Beta1.spec.topology).toStrictEqual({
      class: 'talos-proxmox',
      classNamespace: 'classes',
      version: 'v1.34.1',
      controlPlane: { replicas: 3 },
    });
    expect(asV1Beta1.spec.controlPlaneRef).toStrictEqual({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
      kind: 'TalosControlPlane',
      name: 'edge-cp',
    });
    // What Capstan's controller does: a v1beta1 status write.
    await patchStatus('Cluster', 'v1beta1', 'edge', {
      phase: 'Provisioned',
      infrastructureReady: true,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Provisioned', lastTransitionTime: '2026-12-05T10:00:00Z' }],
      version: 'v1.34.1',
    });
    const status = ClusterV1Beta2.parse(await read('Cluster', 'v1beta2', 'edge')).status;
    expect(status?.conditions).toStrictEqual([
      { type: 'Ready', status: 'True', reason: 'Provisioned', message: '', lastTransitionTime: '2026-12-05T10:00:00Z' },
    ]);
    expect(status?.deprecated?.v1beta1?.conditions).toStrictEqual([
      { type: 'Ready', status: 'True', reason: 'Provisioned', lastTransitionTime: '2026-12-05T10:00:00Z' },
    ]);
    expect(status?.initialization).toStrictEqual({ infrastructureProvisioned: true });
    expect(ClusterV1Beta2.parse(await read('Cluster', 'v1beta2', 'edge')).spec).toStrictEqual(written.spec);
  });

  it('a ClusterClass topology written in v1beta1 reads in v1beta2 in its shape, and in v1beta1 as written', async () => {
    const written = Cluster.parse({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name: 'classy', namespace },
      spec: { topology: { ...topologyV1Beta1(), rolloutAfter: '2026-01-01T00:00:00Z', controlPlane: { nodeDrainTimeout: '300s' } } },
    });
    await create('Cluster', 'v1beta1', written);
    const asV1Beta2 = ClusterV1Beta2.parse(await read('Cluster', 'v1beta2', 'classy'));
    expect(asV1Beta2.spec.topology).toStrictEqual({ ...topologyV1Beta2(), controlPlane: { deletion: { nodeDrainTimeoutSeconds: 300 } } });
    expect(Cluster.parse(await read('Cluster', 'v1beta1', 'classy')).spec).toStrictEqual(written.spec);
  });

  it("a v1beta2 topology written with v1beta1's duration strings is refused by the v1beta2 schema", async () => {
    const topology = { ...topologyV1Beta2(), controlPlane: { deletion: { nodeDrainTimeoutSeconds: '5m' } } };
    const message = await refusal(() =>
      create('Cluster', 'v1beta2', {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        metadata: { name: 'stringly', namespace },
        spec: { topology },
      }),
    );
    expect(message).toContain('spec.topology.controlPlane.deletion.nodeDrainTimeoutSeconds');
  });

  it('a MachineDeployment written in v1beta2 keeps its v1beta2-only fields through a v1beta1 update, and v1beta1 sees the update', async () => {
    const written = machineDeploymentV1Beta2();
    const withoutStatus = { ...written, status: undefined };
    await create('MachineDeployment', 'v1beta2', withoutStatus);
    const asV1Beta1 = MachineDeployment.parse(await read('MachineDeployment', 'v1beta1', 'edge-md-0'));
    expect(asV1Beta1.spec.strategy?.rollingUpdate?.deletePolicy).toBe('Newest');
    expect(asV1Beta1.metadata.annotations?.[conversionDataAnnotation]).toContain('CNIReady');
    // A v1beta1 writer changes replicas and the drain timeout, knowing nothing of taints or gates.
    await mergePatch('MachineDeployment', 'v1beta1', 'edge-md-0', {
      spec: { replicas: 4, template: { spec: { nodeDrainTimeout: '5m' } } },
    });
    const updated = MachineDeploymentV1Beta2.parse(await read('MachineDeployment', 'v1beta2', 'edge-md-0'));
    expect(updated.spec.replicas).toBe(4);
    expect(updated.spec.template.spec.deletion).toStrictEqual({ nodeDrainTimeoutSeconds: 300, nodeDeletionTimeoutSeconds: 0 });
    expect(updated.spec.template.spec.readinessGates).toStrictEqual(written.spec.template.spec.readinessGates);
    expect(updated.spec.template.spec.taints).toStrictEqual(written.spec.template.spec.taints);
    expect(updated.spec.machineNaming).toStrictEqual(written.spec.machineNaming);
    expect(MachineDeployment.parse(await read('MachineDeployment', 'v1beta1', 'edge-md-0')).spec.template.spec.nodeDrainTimeout).toBe('5m');
  });

  it('server-side applies in v1beta1 by a manager that knows nothing of v1beta2 keep the v1beta2-only fields', async () => {
    const written = machineDeploymentV1Beta2();
    await create('MachineDeployment', 'v1beta2', { ...written, metadata: { name: 'ssa-md' }, status: undefined });
    const asV1Beta1 = MachineDeployment.parse(await read('MachineDeployment', 'v1beta1', 'ssa-md'));
    // What Capstan's controller does with the objects it owns: apply its whole intent, twice.
    const intent = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'MachineDeployment',
      metadata: { name: 'ssa-md' },
      spec: asV1Beta1.spec,
    };
    await apply('MachineDeployment', 'v1beta1', intent);
    await apply('MachineDeployment', 'v1beta1', { ...intent, spec: { ...intent.spec, replicas: 5 } });
    const after = MachineDeploymentV1Beta2.parse(await read('MachineDeployment', 'v1beta2', 'ssa-md'));
    expect(after.spec).toStrictEqual({ ...written.spec, replicas: 5 });
  });

  it('a MachineDeployment applied in v1beta1 keeps what v1beta2 drops through a v1beta2 update, and applies again unchanged', async () => {
    const written = MachineDeployment.parse(busyMachineDeploymentV1Beta1());
    const withoutStatus = { ...written, status: undefined };
    const body = { ...withoutStatus, metadata: { name: 'prod-md-0', labels: written.metadata.labels } };
    await apply('MachineDeployment', 'v1beta1', body);
    await mergePatch('MachineDeployment', 'v1beta2', 'prod-md-0', { spec: { replicas: 7, remediation: { maxInFlight: 3 } } });
    const asV1Beta1 = MachineDeployment.parse(await read('MachineDeployment', 'v1beta1', 'prod-md-0'));
    expect(asV1Beta1.spec).toStrictEqual({
      ...written.spec,
      replicas: 7,
      strategy: { ...written.spec.strategy, remediation: { maxInFlight: 3 } },
    });
    const before = MachineDeploymentV1Beta2.parse(await read('MachineDeployment', 'v1beta2', 'prod-md-0'));
    await apply('MachineDeployment', 'v1beta1', { ...body, spec: { ...body.spec, replicas: 7, strategy: asV1Beta1.spec.strategy } });
    const after = MachineDeploymentV1Beta2.parse(await read('MachineDeployment', 'v1beta2', 'prod-md-0'));
    // Re-applying what is there changes nothing: no new generation, no rollout.
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.spec).toStrictEqual(before.spec);
  });

  it('a MachineHealthCheck applied in v1beta1 reads in v1beta2 and back as written', async () => {
    const written = healthCheckV1Beta1('demo-workers');
    await apply('MachineHealthCheck', 'v1beta1', { ...written, metadata: { name: 'demo-workers' } });
    const asV1Beta2 = MachineHealthCheckV1Beta2.parse(await read('MachineHealthCheck', 'v1beta2', 'demo-workers'));
    expect(asV1Beta2.spec.checks.nodeStartupTimeoutSeconds).toBe(1200);
    expect(asV1Beta2.spec.remediation.triggerIf.unhealthyLessThanOrEqualTo).toBe('40%');
    expect(MachineHealthCheck.parse(await read('MachineHealthCheck', 'v1beta1', 'demo-workers')).spec).toStrictEqual(written.spec);
  });

  it("a MachineHealthCheck created in v1beta2 with nothing but a selector gets v1beta1's defaults in both versions", async () => {
    await create('MachineHealthCheck', 'v1beta2', {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'MachineHealthCheck',
      metadata: { name: 'bare' },
      spec: { clusterName: 'edge', selector: { matchLabels: { pool: 'md-0' } } },
    });
    const asV1Beta2 = MachineHealthCheckV1Beta2.parse(await read('MachineHealthCheck', 'v1beta2', 'bare'));
    expect(asV1Beta2.spec.checks).toStrictEqual({ nodeStartupTimeoutSeconds: 600 });
    expect(asV1Beta2.spec.remediation).toStrictEqual({ triggerIf: { unhealthyLessThanOrEqualTo: '100%' } });
    const asV1Beta1 = (await read('MachineHealthCheck', 'v1beta1', 'bare')) as { spec: Record<string, unknown> };
    expect(asV1Beta1.spec).toStrictEqual({
      clusterName: 'edge',
      selector: { matchLabels: { pool: 'md-0' } },
      nodeStartupTimeout: '10m0s',
      maxUnhealthy: '100%',
    });
  });

  it("a Machine and its MachineSet written by Capstan in v1beta1 read in v1beta2, and the observer's status survives both ways", async () => {
    const set = machineSetV1Beta1();
    await create('MachineSet', 'v1beta1', { ...set, metadata: { ...set.metadata, namespace }, status: undefined });
    await patchStatus('MachineSet', 'v1beta1', set.metadata.name, set.status ?? {});
    const setV1Beta2 = MachineSetV1Beta2.parse(await read('MachineSet', 'v1beta2', set.metadata.name));
    expect(setV1Beta2.spec.deletion).toStrictEqual({ order: 'Oldest' });
    expect(setV1Beta2.spec.template.spec.minReadySeconds).toBe(30);
    expect(setV1Beta2.status).toMatchObject({
      replicas: 3,
      readyReplicas: 2,
      availableReplicas: 2,
      deprecated: { v1beta1: { fullyLabeledReplicas: 3 } },
    });
    const setV1Beta1 = MachineSet.parse(await read('MachineSet', 'v1beta1', set.metadata.name));
    expect({ spec: setV1Beta1.spec, status: setV1Beta1.status }).toStrictEqual({ spec: set.spec, status: set.status });

    const machine = observedMachineV1Beta1();
    await create('Machine', 'v1beta1', { ...machine, metadata: { ...machine.metadata, namespace }, status: undefined });
    await patchStatus('Machine', 'v1beta1', machine.metadata.name, machine.status ?? {});
    const machineV1Beta2 = MachineV1Beta2.parse(await read('Machine', 'v1beta2', machine.metadata.name));
    expect(machineV1Beta2.status?.nodeRef).toStrictEqual({ name: 'prod-md-0-x7k2p' });
    expect(machineV1Beta2.status?.initialization).toStrictEqual({ infrastructureProvisioned: true, bootstrapDataSecretCreated: true });
    expect(machineV1Beta2.spec.deletion).toStrictEqual({ nodeDrainTimeoutSeconds: 120 });
    const machineV1Beta1 = Machine.parse(await read('Machine', 'v1beta1', machine.metadata.name));
    expect({ spec: machineV1Beta1.spec, status: machineV1Beta1.status }).toStrictEqual({ spec: machine.spec, status: machine.status });
  });

  it('lists in either version', async () => {
    const names = async (version: Version): Promise<string[]> =>
      (
        (await objects.listNamespacedCustomObject(resource('MachineDeployment', version))) as { items: { metadata: { name: string } }[] }
      ).items
        .map((item) => item.metadata.name)
        .sort();
    expect(await names('v1beta1')).toStrictEqual(['edge-md-0', 'prod-md-0', 'ssa-md']);
    expect(await names('v1beta2')).toStrictEqual(['edge-md-0', 'prod-md-0', 'ssa-md']);
  });

  it('a v1beta1 write the webhook cannot convert reaches the client with the object and the field named', async () => {
    const broken = Cluster.parse(documentOf('examples/demo/cluster.yaml', 'Cluster'));
    broken.metadata = { name: 'broken', namespace };
    broken.spec.controlPlaneRef = { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3', name: 'broken-cp' };
    const message = await refusal(() => create('Cluster', 'v1beta1', broken));
    expect(message).toBe(
      '500: conversion webhook for cluster.x-k8s.io/v1beta1, Kind=Cluster failed: ' +
        'cannot convert Cluster default/broken (cluster.x-k8s.io/v1beta1) to cluster.x-k8s.io/v1beta2: ' +
        'spec.controlPlaneRef.kind: is required to convert to v1beta2',
    );
  });
});
