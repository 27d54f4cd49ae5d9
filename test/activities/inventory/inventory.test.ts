// The inventory activities on a real kube-apiserver with Capstan's CRDs: intent recorded before
// anything is built, idempotent retries, owners and finalizers with and without the CAPI objects
// a user applies, deletion held by finalizers until release, MachineSet revisions, Events and the
// health checks' verdicts.
import { ApiextensionsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import type { HealthCheckResult } from '../../../api/health-check.ts';
import type { MachineIntent } from '../../../api/inventory.ts';
import { createInventoryActivities } from '../../../activities/inventory/inventory-activities.ts';
import { ObjectStore, type KindName, type KubeObject } from '../../../activities/inventory/objects.ts';
import { capiObjects } from '../../../embedded/controller-stack/capi-objects.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { eventually } from '../../../embedded/servers/eventually.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { demoManifests } from '../../api/capi/manifests.ts';

const dataDir = makeTempDir('inventory');
let management: ManagementCluster;
let inventory: ReturnType<typeof createInventoryActivities>;
let reader: ObjectStore;

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: dataDir.path, ephemeral: true, capstanCrds: true });
  inventory = createInventoryActivities(management.kubeConfig);
  reader = new ObjectStore(management.kubeConfig, 'test-reader');
});
afterAll(async () => {
  await management.stop();
  dataDir.remove();
});

const vm = { templateVmid: 9000, allowedNodes: ['pve1'], cores: 2, memoryMiB: 2048, diskGiB: 20 };

function intent(namespace: string, cluster: string, machine: string, extra: Partial<MachineIntent> = {}): MachineIntent {
  return {
    cluster: { namespace, name: cluster },
    machine,
    role: 'worker',
    deployment: `${cluster}-md-0`,
    kubernetesVersion: 'v1.33.4',
    talosVersion: 'v1.11.5',
    shapeHash: 'aaaaa11111',
    bootstrap: false,
    vm,
    ...extra,
  };
}

async function get(kind: KindName, namespace: string, name: string): Promise<KubeObject> {
  const object = await reader.get(kind, namespace, name);
  if (!object) throw new Error(`${kind} ${namespace}/${name} does not exist`);
  return object;
}

const versions = async (namespace: string, names: readonly [KindName, string][]) =>
  Promise.all(names.map(async ([kind, name]) => (await get(kind, namespace, name)).metadata.resourceVersion));

describe('recording intent', () => {
  it('writes MachineSet, Machine and ProxmoxMachine as CAPI does, without owners when no CAPI objects exist', async () => {
    const result = await inventory.inventoryRecordIntent(intent('default', 'alpha', 'alpha-md-0-aaaaa'));
    expect(result).toEqual({ created: true, deleting: false, machineSet: 'alpha-md-0-aaaaa' });

    const set = await get('MachineSet', 'default', 'alpha-md-0-aaaaa');
    expect(set.metadata.labels).toEqual({ 'cluster.x-k8s.io/cluster-name': 'alpha', 'cluster.x-k8s.io/deployment-name': 'alpha-md-0' });
    expect(set.metadata.annotations).toMatchObject({
      'machinedeployment.clusters.x-k8s.io/revision': '1',
      'capstan.dev/shape-hash': 'aaaaa11111',
    });
    expect(set.metadata.finalizers).toEqual(['cluster.x-k8s.io/machineset']);
    expect(set.metadata.ownerReferences ?? []).toEqual([]);
    expect(set.spec).toMatchObject({
      clusterName: 'alpha',
      replicas: 1,
      selector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'alpha', 'cluster.x-k8s.io/set-name': 'alpha-md-0-aaaaa' } },
      template: { spec: { version: 'v1.33.4' } },
    });

    const machine = await get('Machine', 'default', 'alpha-md-0-aaaaa');
    expect(machine.metadata.labels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'alpha',
      'cluster.x-k8s.io/deployment-name': 'alpha-md-0',
      'cluster.x-k8s.io/set-name': 'alpha-md-0-aaaaa',
    });
    expect(machine.metadata.annotations).toEqual({ 'capstan.dev/shape-hash': 'aaaaa11111', 'capstan.dev/talos-version': 'v1.11.5' });
    expect(machine.metadata.finalizers).toEqual(['machine.cluster.x-k8s.io']);
    expect(machine.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'MachineSet', name: 'alpha-md-0-aaaaa', uid: set.metadata.uid, controller: true }),
    ]);
    expect(machine.spec).toEqual({
      clusterName: 'alpha',
      version: 'v1.33.4',
      bootstrap: { dataSecretName: 'alpha-md-0-aaaaa-bootstrap-data' },
      infrastructureRef: {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
        kind: 'ProxmoxMachine',
        name: 'alpha-md-0-aaaaa',
        namespace: 'default',
      },
    });

    const pm = await get('ProxmoxMachine', 'default', 'alpha-md-0-aaaaa');
    expect(pm.metadata.finalizers).toEqual(['proxmoxmachine.infrastructure.cluster.x-k8s.io']);
    expect(pm.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Machine', uid: machine.metadata.uid, controller: true }),
    ]);
    expect(pm.spec).toEqual({
      templateID: 9000,
      allowedNodes: ['pve1'],
      full: true,
      numSockets: 1,
      numCores: 2,
      memoryMiB: 2048,
      disks: { bootVolume: { disk: 'scsi0', sizeGb: 20 } },
      network: { default: { bridge: 'vmbr0', model: 'virtio' } },
      vmIDRange: { start: 10000, end: 99999 },
      checks: { skipCloudInitStatus: true },
    });
  });

  it('is idempotent: a retry writes nothing', async () => {
    const objects: [KindName, string][] = [
      ['MachineSet', 'alpha-md-0-aaaaa'],
      ['Machine', 'alpha-md-0-aaaaa'],
      ['ProxmoxMachine', 'alpha-md-0-aaaaa'],
    ];
    const before = await versions('default', objects);
    expect(await inventory.inventoryRecordIntent(intent('default', 'alpha', 'alpha-md-0-aaaaa'))).toMatchObject({ created: false });
    expect(await versions('default', objects)).toEqual(before);
  });

  it('numbers MachineSets by revision per deployment, one per machine shape', async () => {
    await inventory.inventoryRecordIntent(intent('default', 'alpha', 'alpha-md-0-bbbbb', { shapeHash: 'bbbbb22222' }));
    await inventory.inventoryRecordIntent(intent('default', 'alpha', 'alpha-md-0-ccccc', { shapeHash: 'bbbbb22222' }));
    const second = await get('MachineSet', 'default', 'alpha-md-0-bbbbb');
    expect(second.metadata.annotations?.['machinedeployment.clusters.x-k8s.io/revision']).toBe('2');
    expect(second.spec?.['replicas']).toBe(2);
    expect(
      (await get('MachineSet', 'default', 'alpha-md-0-aaaaa')).metadata.annotations?.['machinedeployment.clusters.x-k8s.io/revision'],
    ).toBe('1');
  });

  it('makes an earlier shape the newest revision again when a machine of it is recorded (a rollback, as CAPI does)', async () => {
    const delta = (machine: string, shapeHash: string) => intent('default', 'delta', machine, { deployment: 'delta-md-0', shapeHash });
    const revision = async (set: string) =>
      (await get('MachineSet', 'default', set)).metadata.annotations?.['machinedeployment.clusters.x-k8s.io/revision'];
    await inventory.inventoryRecordIntent(delta('delta-md-0-aaaaa', 'aaaaa11111'));
    await inventory.inventoryRecordIntent(delta('delta-md-0-bbbbb', 'bbbbb22222'));
    expect([await revision('delta-md-0-aaaaa'), await revision('delta-md-0-bbbbb')]).toEqual(['1', '2']);
    await inventory.inventoryRecordIntent(delta('delta-md-0-ccccc', 'aaaaa11111'));
    expect([await revision('delta-md-0-aaaaa'), await revision('delta-md-0-bbbbb')]).toEqual(['3', '2']);
    expect(await inventory.inventoryReleaseAll({ namespace: 'default', name: 'delta' })).toEqual({
      machines: 3,
      proxmoxMachines: 3,
      machineSets: 2,
    });
  });

  it('records a control plane with its label and the bootstrap annotation, and no MachineSet', async () => {
    const result = await inventory.inventoryRecordIntent(
      intent('default', 'alpha', 'alpha-cp-aaaaa', {
        role: 'control-plane',
        deployment: undefined,
        bootstrap: true,
      }),
    );
    expect(result).toEqual({ created: true, deleting: false });
    const machine = await get('Machine', 'default', 'alpha-cp-aaaaa');
    expect(machine.metadata.labels).toEqual({ 'cluster.x-k8s.io/cluster-name': 'alpha', 'cluster.x-k8s.io/control-plane': '' });
    expect(machine.metadata.annotations?.['capstan.dev/bootstraps-etcd']).toBe('true');
    expect(machine.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('owns Machines by the TalosControlPlane and MachineSets by the MachineDeployment when they exist, adding owners to objects recorded before them', async () => {
    const user = capiObjects(management.kubeConfig);
    await management.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'capi' } } });
    // Recorded before the user's objects exist (as after a management-cluster move), then again.
    await inventory.inventoryRecordIntent(intent('capi', 'demo', 'demo-md-0-early', { deployment: 'demo-md-0' }));
    await user.apply('capi', demoManifests());
    const md = await get('MachineDeployment', 'capi', 'demo-md-0');
    const tcp = await get('TalosControlPlane', 'capi', 'demo-control-plane');

    await inventory.inventoryRecordIntent(intent('capi', 'demo', 'demo-md-0-early', { deployment: 'demo-md-0' }));
    const set = await get('MachineSet', 'capi', 'demo-md-0-aaaaa');
    expect(set.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'MachineDeployment',
        name: 'demo-md-0',
        uid: md.metadata.uid,
        controller: true,
      }),
    ]);

    await inventory.inventoryRecordIntent(
      intent('capi', 'demo', 'demo-control-plane-xyzab', { role: 'control-plane', deployment: undefined }),
    );
    const cp = await get('Machine', 'capi', 'demo-control-plane-xyzab');
    expect(cp.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
        kind: 'TalosControlPlane',
        name: 'demo-control-plane',
        uid: tcp.metadata.uid,
        controller: true,
      }),
    ]);
  });

  it('records the VM and versions once, comparing first', async () => {
    const record = { cluster: { namespace: 'default', name: 'alpha' }, machine: 'alpha-md-0-aaaaa', node: 'pve2', vmid: 10042 };
    const providerID = 'proxmox://0b9f6a4e-1111-2222-3333-444455556666';
    expect(await inventory.inventoryRecordVm({ ...record, providerID })).toEqual({ recorded: true });
    expect((await get('ProxmoxMachine', 'default', 'alpha-md-0-aaaaa')).spec).toMatchObject({
      virtualMachineID: 10042,
      target: 'pve2',
      providerID,
    });
    expect((await get('Machine', 'default', 'alpha-md-0-aaaaa')).spec?.['providerID']).toBe(providerID);
    const objects: [KindName, string][] = [
      ['Machine', 'alpha-md-0-aaaaa'],
      ['ProxmoxMachine', 'alpha-md-0-aaaaa'],
    ];
    const before = await versions('default', objects);
    await inventory.inventoryRecordVm({ ...record, providerID });
    expect(await versions('default', objects)).toEqual(before);

    const cluster = { namespace: 'default', name: 'alpha' };
    expect(
      await inventory.inventoryRecordVersions(cluster, 'alpha-md-0-aaaaa', { kubernetesVersion: '1.34.1', talosVersion: 'v1.12.0' }),
    ).toEqual({
      recorded: true,
    });
    const upgraded = await get('Machine', 'default', 'alpha-md-0-aaaaa');
    expect(upgraded.spec?.['version']).toBe('v1.34.1');
    expect(upgraded.metadata.annotations?.['capstan.dev/talos-version']).toBe('v1.12.0');
    expect((await get('MachineSet', 'default', 'alpha-md-0-aaaaa')).spec).toMatchObject({ template: { spec: { version: 'v1.34.1' } } });
    expect(await inventory.inventoryRecordVm({ ...record, machine: 'never-recorded', providerID })).toEqual({ recorded: false });
  });
});

describe('deleting and releasing', () => {
  const cluster = { namespace: 'default', name: 'alpha' };

  it('keeps a deleted Machine (kubectl delete or requestDelete) with a deletionTimestamp until it is released', async () => {
    // A user's `kubectl delete machine`: the finalizer holds it.
    await reader.delete('Machine', 'default', 'alpha-md-0-ccccc');
    const held = await get('Machine', 'default', 'alpha-md-0-ccccc');
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(await get('ProxmoxMachine', 'default', 'alpha-md-0-ccccc')).toBeDefined();
    expect(
      await inventory.inventoryRecordIntent(intent('default', 'alpha', 'alpha-md-0-ccccc', { shapeHash: 'bbbbb22222' })),
    ).toMatchObject({
      created: false,
      deleting: true,
    });
    expect(await inventory.inventoryRequestDelete(cluster, 'alpha-md-0-ccccc')).toEqual({ requested: true });
    expect((await get('MachineSet', 'default', 'alpha-md-0-bbbbb')).spec?.['replicas']).toBe(1);

    expect(await inventory.inventoryRelease(cluster, 'alpha-md-0-ccccc')).toEqual({ machines: 1, proxmoxMachines: 1, machineSets: 0 });
    expect(await reader.get('Machine', 'default', 'alpha-md-0-ccccc')).toBeUndefined();
    expect(await reader.get('ProxmoxMachine', 'default', 'alpha-md-0-ccccc')).toBeUndefined();
    // Released twice, or never recorded: fine.
    expect(await inventory.inventoryRelease(cluster, 'alpha-md-0-ccccc')).toEqual({ machines: 0, proxmoxMachines: 0, machineSets: 0 });
    expect(await inventory.inventoryRequestDelete(cluster, 'nothing-here')).toEqual({ requested: false });
  });

  it("removes an old revision's MachineSet with its last Machine, and keeps the newest even when empty", async () => {
    await inventory.inventoryRequestDelete(cluster, 'alpha-md-0-aaaaa');
    expect(await inventory.inventoryRelease(cluster, 'alpha-md-0-aaaaa')).toEqual({ machines: 1, proxmoxMachines: 1, machineSets: 1 });
    expect(await reader.get('MachineSet', 'default', 'alpha-md-0-aaaaa')).toBeUndefined();
    await inventory.inventoryRequestDelete(cluster, 'alpha-md-0-bbbbb');
    expect(await inventory.inventoryRelease(cluster, 'alpha-md-0-bbbbb')).toMatchObject({ machineSets: 0 });
    expect((await get('MachineSet', 'default', 'alpha-md-0-bbbbb')).spec?.['replicas']).toBe(0);
  });

  it('releases everything of a cluster at once, and nothing of another', async () => {
    expect(await inventory.inventoryReleaseAll(cluster)).toEqual({ machines: 1, proxmoxMachines: 1, machineSets: 1 });
    for (const kind of ['Machine', 'ProxmoxMachine', 'MachineSet'] as const) {
      expect(await reader.list(kind, 'default', 'cluster.x-k8s.io/cluster-name=alpha')).toEqual([]);
    }
    expect(await reader.list('Machine', 'capi', 'cluster.x-k8s.io/cluster-name=demo')).toHaveLength(2);
  });
});

describe('events and health checks', () => {
  const cluster = { namespace: 'capi', name: 'demo' };

  it('records an Event on an object and counts a repeat instead of adding one', async () => {
    const event = {
      kind: 'Cluster',
      name: 'demo',
      type: 'Warning',
      reason: 'StrayVmDestroyed',
      message: 'VM 101 carries the marker',
    } as const;
    const first = await inventory.inventoryRecordEvent(cluster, event);
    const second = await inventory.inventoryRecordEvent(cluster, { ...event, message: 'VM 102 carries the marker' });
    expect(second).toEqual({ name: first.name, count: 2 });
    const stored = await management.kubeConfig.makeApiClient(CoreV1Api).readNamespacedEvent({ namespace: 'capi', name: first.name });
    const uid = (await get('Cluster', 'capi', 'demo')).metadata.uid;
    expect(stored).toMatchObject({
      involvedObject: { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', name: 'demo', namespace: 'capi', uid },
      reportingComponent: 'capstan',
      source: { component: 'capstan' },
      count: 2,
      message: 'VM 102 carries the marker',
    });
  });

  it("writes the verdicts on Machines and the MachineHealthCheck's status, with CAPI's Events, and only what changed", async () => {
    const user = capiObjects(management.kubeConfig);
    await user.apply('capi', [
      {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'MachineHealthCheck',
        metadata: { name: 'demo-workers' },
        spec: { clusterName: 'demo', selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'demo-md-0' } }, maxUnhealthy: 0 },
      },
    ]);
    const unhealthy: HealthCheckResult = {
      name: 'demo-workers',
      targets: ['demo-md-0-early'],
      currentHealthy: 0,
      unhealthy: [{ machine: 'demo-md-0-early', reason: 'NodeStartupTimeout', message: 'no Node after 10m0s' }],
      remediationAllowed: false,
      remediationsAllowed: 0,
      message:
        'Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 1, unhealthy: 1, maxUnhealthy: 0)',
    };
    expect(await inventory.recordHealthChecks(cluster, [unhealthy])).toEqual({ machinesWritten: 1, healthChecksWritten: 1, events: 2 });
    const machine = await get('Machine', 'capi', 'demo-md-0-early');
    expect(machine.status?.['conditions']).toEqual([
      expect.objectContaining({
        type: 'HealthCheckSucceeded',
        status: 'False',
        reason: 'NodeStartupTimeout',
        message: 'no Node after 10m0s',
      }),
    ]);
    const mhc = await get('MachineHealthCheck', 'capi', 'demo-workers');
    expect(mhc.status).toMatchObject({
      expectedMachines: 1,
      currentHealthy: 0,
      remediationsAllowed: 0,
      targets: ['demo-md-0-early'],
      conditions: [
        expect.objectContaining({ type: 'RemediationAllowed', status: 'False', reason: 'TooManyUnhealthy', message: unhealthy.message }),
      ],
    });
    expect(await user.events('capi', 'Machine', 'demo-md-0-early')).toEqual([
      expect.stringMatching(/^Normal MachineMarkedUnhealthy: .*no Node after 10m0s/),
    ]);
    expect(await user.events('capi', 'MachineHealthCheck', 'demo-workers')).toEqual([
      expect.stringMatching(/^Warning RemediationRestricted: Remediation is not allowed/),
    ]);

    // The same verdict again: nothing to write.
    expect(await inventory.recordHealthChecks(cluster, [unhealthy])).toEqual({ machinesWritten: 0, healthChecksWritten: 0, events: 0 });

    // Remediation allowed now: OwnerRemediated joins; healthy again: both go back to the healthy verdict.
    await inventory.recordHealthChecks(cluster, [{ ...unhealthy, remediationAllowed: true, remediationsAllowed: 1, message: undefined }]);
    expect((await get('Machine', 'capi', 'demo-md-0-early')).status?.['conditions']).toEqual([
      expect.objectContaining({ type: 'HealthCheckSucceeded', status: 'False' }),
      expect.objectContaining({ type: 'OwnerRemediated', status: 'False', reason: 'WaitingForRemediation' }),
    ]);
    await inventory.recordHealthChecks(cluster, [{ ...unhealthy, unhealthy: [], remediationAllowed: true, remediationsAllowed: 1 }]);
    expect((await get('Machine', 'capi', 'demo-md-0-early')).status?.['conditions']).toEqual([
      expect.objectContaining({ type: 'HealthCheckSucceeded', status: 'True', reason: 'HealthCheckSucceeded' }),
    ]);
    // No check targets it any more: its health conditions go.
    await inventory.recordHealthChecks(cluster, []);
    expect((await get('Machine', 'capi', 'demo-md-0-early')).status?.['conditions'] ?? []).toEqual([]);
  });
});

describe('errors', () => {
  it('names the CRD to install when the management cluster does not serve a kind', async () => {
    // Its objects' finalizers would hold the CRD's deletion: release them first.
    await inventory.inventoryReleaseAll({ namespace: 'capi', name: 'demo' });
    const crds = management.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const name = 'proxmoxmachines.infrastructure.cluster.x-k8s.io';
    await crds.deleteCustomResourceDefinition({ name });
    await eventually(async () => {
      if (
        await crds.readCustomResourceDefinition({ name }).then(
          () => true,
          () => false,
        )
      )
        throw new Error(`${name} still exists`);
    });
    const error = await inventory.inventoryRecordIntent(intent('default', 'gamma', 'gamma-md-0-aaaaa')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      type: ErrorType.KubernetesInvalidRequest,
      nonRetryable: true,
      message: expect.stringContaining('does not serve proxmoxmachines.infrastructure.cluster.x-k8s.io; install Capstan') as unknown,
    });
  });
});
