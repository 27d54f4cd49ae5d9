// observeCluster against a cluster provisioned with Capstan's own activities on the simulators (a
// real management kube-apiserver, simulated Proxmox VE and Talos, a real workload kube-apiserver):
// what it sees, what it records on the objects, and how it reports reality changing behind its back.
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import type { MachineIntent } from '../../../api/inventory.ts';
import type { ClusterObservation, MachineObservation } from '../../../api/observation.ts';
import { ObjectStore, type KindName } from '../../../activities/inventory/objects.ts';
import { createLifecycleActivities, type LifecycleActivities } from '../../../activities/lifecycle-activities.ts';
import { clusterTag } from '../../../activities/proxmox/vm-identity.ts';
import { eventually } from '../../../embedded/servers/eventually.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { createSimKubeApiservers, type SimKubeApiservers } from '../../../embedded/servers/sim-kube-apiservers.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../../sim/talos/index.ts';
import { createVm, vmPower } from '../../sim/talos-helpers.ts';

const cluster = { namespace: 'default', name: 'obs' };
const endpointIp = '127.0.93.10';
const pool = { poolName: 'obs', pool: { addresses: ['127.0.93.10-127.0.93.40'], prefix: 24 } };
const vm = { templateVmid: 9000, allowedNodes: ['pve1'], cores: 2, memoryMiB: 2048, diskGiB: 20 };
const cp = 'obs-cp-aaaaa';
const worker = 'obs-md-0-bbbbb';
const intentOnly = 'obs-md-0-ccccc';

const dir = makeTempDir('observe');
let management: ManagementCluster;
let proxmox: ProxmoxSim;
let kube: SimKubeApiservers;
let talos: TalosSim;
let activities: LifecycleActivities;
let reader: ObjectStore;
const vmids = new Map<string, number>();
const addresses = new Map<string, string>();

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(fn, ...args);
}
const observe = (): Promise<ClusterObservation> => run(activities.observeCluster, cluster);
const machineOf = (observation: ClusterObservation, name: string): MachineObservation => {
  const found = observation.machines.find((m) => m.name === name);
  if (!found) throw new Error(`no machine ${name} observed`);
  return found;
};

function intent(machine: string, role: 'control-plane' | 'worker'): MachineIntent {
  return {
    cluster,
    machine,
    role,
    ...(role === 'worker' ? { deployment: 'obs-md-0' } : {}),
    kubernetesVersion: 'v1.33.4',
    talosVersion: 'v1.11.5',
    shapeHash: 'bbbbb00000',
    bootstrap: role === 'control-plane',
    vm,
  };
}

/** Builds one machine the way the create-machine workflow does, step by step. */
async function build(machine: string, role: 'control-plane' | 'worker'): Promise<void> {
  await run(activities.inventoryRecordIntent, intent(machine, role));
  const address = await run(activities.ipamAllocate, { namespace: cluster.namespace, cluster: cluster.name, ...pool, owner: machine });
  const spec = { ...vm, cluster: `${cluster.namespace}/${cluster.name}`, machine, address };
  const node = await run(activities.proxmoxChooseNode, spec);
  const cloned = await run(activities.proxmoxEnsureVm, spec, node);
  await run(activities.inventoryRecordVm, { cluster, machine, node: cloned.node, vmid: cloned.vmid, providerID: cloned.providerID });
  const ref = await run(activities.proxmoxConfigureVm, spec, { node: cloned.node, vmid: cloned.vmid });
  await run(activities.talosRenderMachineConfig, cluster, machine, {
    machineType: role === 'control-plane' ? 'controlplane' : 'worker',
    clusterName: cluster.name,
    controlPlaneEndpoint: `https://${endpointIp}:6443`,
    kubernetesVersion: 'v1.33.4',
    installerImage: 'ghcr.io/siderolabs/installer:v1.11.5',
    hostname: machine,
    // Control planes share the endpoint as their Talos VIP, as Capstan renders them.
    network: {
      interface: 'eth0',
      addresses: [`${address.ip}/${address.prefix}`],
      ...(role === 'control-plane' ? { vip: endpointIp } : {}),
    },
    providerID: cloned.providerID,
  });
  await run(activities.proxmoxStartVm, spec, ref);
  vmids.set(machine, cloned.vmid);
  addresses.set(machine, address.ip);
}

async function provision(): Promise<void> {
  await run(activities.talosEnsureClusterSecrets, cluster);
  await run(
    activities.ipamReserve,
    { namespace: cluster.namespace, cluster: cluster.name, ...pool, owner: 'obs-control-plane-endpoint' },
    endpointIp,
  );
  await build(cp, 'control-plane');
  await build(worker, 'worker');
  await run(activities.inventoryRecordIntent, intent(intentOnly, 'worker'));
  await run(activities.talosWriteTalosconfig, cluster, [addresses.get(cp) ?? '']);
  for (const machine of [cp, worker]) {
    const node = { cluster, address: addresses.get(machine) ?? '' };
    await run(activities.talosApplyConfig, { ...node, machine });
    await run(activities.talosWaitForApid, node);
  }
  await run(activities.talosBootstrap, { cluster, controlPlaneAddresses: [addresses.get(cp) ?? ''] });
  await run(activities.talosFetchKubeconfig, { cluster, address: addresses.get(cp) ?? '' });
  for (const machine of [cp, worker]) await run(activities.kubernetesWaitForNodeReady, { cluster, node: { name: machine } });
}

async function resourceVersions(): Promise<Record<string, string | undefined>> {
  const result: Record<string, string | undefined> = {};
  for (const kind of ['Machine', 'ProxmoxMachine', 'MachineSet'] satisfies KindName[]) {
    for (const object of await reader.list(kind, 'default', 'cluster.x-k8s.io/cluster-name=obs')) {
      result[`${kind}/${object.metadata.name}`] = object.metadata.resourceVersion;
    }
  }
  return result;
}

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true, capstanCrds: true });
  proxmox = await startProxmoxSim({ scale: 0.002, seed: 13 });
  kube = createSimKubeApiservers({ dataDir: `${dir.path}/sim-kube` });
  talos = await startTalosSim({ proxmox, startKubeApiserver: kube.start, dataDir: `${dir.path}/talos`, scale: 0.01, seed: 17 });
  activities = createLifecycleActivities({
    proxmox: { baseUrl: proxmox.url, tokenId: proxmox.token.id, tokenSecret: proxmox.token.secret, caPem: proxmox.caPem },
    managementCluster: management.kubeConfig,
    pollMs: 50,
    snapshotDir: `${dir.path}/snapshots`,
  });
  reader = new ObjectStore(management.kubeConfig, 'test-reader');
  await provision();
});
afterAll(async () => {
  await talos.stop();
  await kube.stop();
  await proxmox.stop();
  await management.stop();
  dir.remove();
});

describe('observeCluster on a provisioned cluster', () => {
  it('sees each VM, address, Talos version, Node and etcd member, and the intent-only machine as not built yet', async () => {
    const observation = await eventually(async () => {
      const seen = await observe();
      const ready = [cp, worker].every((name) => machineOf(seen, name).node?.ready === 'True' && machineOf(seen, name).talos?.reachable);
      if (!ready || !machineOf(seen, cp).etcd?.healthy) throw new Error(`not settled: ${JSON.stringify(seen)}`);
      return seen;
    }, 30_000);
    expect(observation).toMatchObject({
      strayVms: [],
      controlPlaneInitialized: true,
      controlPlaneEndpoint: endpointIp,
      kubernetesApi: 'reachable',
      etcdMembers: [{ name: cp, learner: false }],
    });
    const control = machineOf(observation, cp);
    expect(control).toMatchObject({
      role: 'control-plane',
      bootstrap: true,
      deleting: false,
      intent: { kubernetesVersion: 'v1.33.4', talosVersion: 'v1.11.5', shapeHash: 'bbbbb00000' },
      providerID: expect.stringMatching(/^proxmox:\/\/[0-9a-f-]{36}$/) as unknown,
      vm: { node: 'pve1', vmid: vmids.get(cp), status: 'running' },
      address: { ip: addresses.get(cp), prefix: 24 },
      talos: { reachable: true, version: 'v1.11.5' },
      node: { ready: 'True', kubeletVersion: 'v1.33.4' },
      hadNode: true,
      etcd: { learner: false, healthy: true },
    });
    expect(control.infrastructureReadySince).toBeDefined();
    // Once the simulated kubelet honours --provider-id, the Node carries the Machine's providerID.
    expect([undefined, control.providerID]).toContain(control.node?.providerID);
    // The bootstrap recorded durably that etcd was bootstrapped, on the cluster's Talos secrets.
    const bundle = await management.kubeConfig
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ namespace: 'default', name: 'obs-talos-secrets' });
    expect(bundle.metadata?.annotations?.['capstan.dev/etcd-bootstrapped']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(machineOf(observation, worker)).toMatchObject({
      role: 'worker',
      deployment: 'obs-md-0',
      machineSet: 'obs-md-0-bbbbb',
    });
    expect(machineOf(observation, worker).etcd).toBeUndefined();
    const notBuilt = machineOf(observation, intentOnly);
    expect([notBuilt.vm, notBuilt.providerID, notBuilt.talos, notBuilt.node, notBuilt.hadNode]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      false,
    ]);
    // Compact: no Node objects or configs in what lands in workflow history.
    expect(JSON.stringify(observation).length).toBeLessThan(6000);
  });

  it('records what it saw: Machine, ProxmoxMachine and MachineSet status as CAPI and CAPMOX show them', async () => {
    const machine = await reader.get('Machine', 'default', worker);
    expect(machine?.status).toMatchObject({
      phase: 'Running',
      bootstrapReady: true,
      infrastructureReady: true,
      addresses: [
        { type: 'InternalIP', address: addresses.get(worker) },
        { type: 'Hostname', address: worker },
      ],
      nodeRef: { apiVersion: 'v1', kind: 'Node', name: worker },
      nodeInfo: { kubeletVersion: 'v1.33.4' },
      proxmox: { node: 'pve1', vmid: vmids.get(worker) },
      talosVersion: 'v1.11.5',
    });
    const conditions = (machine?.status?.['conditions'] ?? []) as { type: string; status: string }[];
    expect(Object.fromEntries(conditions.map((c) => [c.type, c.status]))).toEqual({
      InfrastructureReady: 'True',
      BootstrapConfigReady: 'True',
      NodeReady: 'True',
      NodeHealthy: 'True',
      Ready: 'True',
    });
    const cpConditions = ((await reader.get('Machine', 'default', cp))?.status?.['conditions'] ?? []) as { type: string; status: string }[];
    expect(cpConditions.find((c) => c.type === 'EtcdMemberHealthy')?.status).toBe('True');
    expect((await reader.get('Machine', 'default', intentOnly))?.status).toMatchObject({ phase: 'Pending', infrastructureReady: false });

    expect((await reader.get('ProxmoxMachine', 'default', worker))?.status).toMatchObject({
      ready: true,
      vmStatus: 'ready',
      proxmoxNode: 'pve1',
      ipAddresses: { net0: { ipv4: addresses.get(worker) } },
      conditions: [
        expect.objectContaining({ type: 'VMProvisioned', status: 'True' }),
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      ],
    });
    expect((await reader.get('MachineSet', 'default', 'obs-md-0-bbbbb'))?.status).toMatchObject({
      selector: 'cluster.x-k8s.io/cluster-name=obs,cluster.x-k8s.io/set-name=obs-md-0-bbbbb',
      replicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
    });
  });

  it('writes nothing when it observes an unchanged cluster again', async () => {
    await observe();
    const before = await resourceVersions();
    await observe();
    expect(await resourceVersions()).toEqual(before);
  });

  it("keeps the health checks' conditions: each writer owns its own condition types", async () => {
    await run(activities.recordHealthChecks, cluster, [
      { name: 'obs-workers', targets: [worker], currentHealthy: 1, unhealthy: [], remediationAllowed: true, remediationsAllowed: 1 },
    ]);
    await observe();
    const before = await resourceVersions();
    const types = ((await reader.get('Machine', 'default', worker))?.status?.['conditions'] as { type: string }[]).map((c) => c.type);
    expect(types).toEqual(expect.arrayContaining(['HealthCheckSucceeded', 'InfrastructureReady', 'Ready']));
    await observe();
    expect(await resourceVersions()).toEqual(before);
  });

  it("lists a VM with the cluster's tag and owner marker but no Machine as a stray, and not a tagged VM without the marker", async () => {
    const address = { ip: '127.0.93.38', prefix: 24, dns: [] };
    const spec = { ...vm, cluster: 'default/obs', machine: 'obs-md-0-zzzzz', address };
    const stray = await run(activities.proxmoxEnsureVm, spec, 'pve1');
    await run(activities.proxmoxConfigureVm, spec, stray);
    await createVm(proxmox, { vmid: 3210, name: 'obs-foreign', address: '127.0.93.39', tags: clusterTag('default/obs') });
    const observation = await observe();
    expect(observation.strayVms).toEqual([
      { name: 'obs-md-0-zzzzz', node: 'pve1', vmid: stray.vmid, status: expect.any(String) as unknown },
    ]);
    await run(activities.proxmoxDestroyVm, spec, stray);
    await vmPower(proxmox, 3210, 'stop');
    await vmPower(proxmox, 3210, 'destroy');
  });

  it('fails retryably while Proxmox does not answer, instead of reporting VMs missing', async () => {
    proxmox.faults.set5xxRate(1);
    try {
      await expect(observe()).rejects.toMatchObject({ type: ErrorType.ProxmoxUnavailable, nonRetryable: false });
    } finally {
      proxmox.faults.clear();
    }
  });

  it('reports a VM stopped through the Proxmox API as stopped, with Talos unreachable', async () => {
    await vmPower(proxmox, vmids.get(worker) ?? 0, 'stop');
    const observation = await eventually(async () => {
      const seen = await observe();
      if (machineOf(seen, worker).vm?.status !== 'stopped') throw new Error('not seen stopped yet');
      return seen;
    });
    expect(machineOf(observation, worker)).toMatchObject({ vm: { status: 'stopped' }, talos: { reachable: false } });
    const machine = await reader.get('Machine', 'default', worker);
    const conditions = (machine?.status?.['conditions'] ?? []) as { type: string; status: string; reason: string }[];
    expect(conditions.find((c) => c.type === 'InfrastructureReady')).toMatchObject({ status: 'False', reason: 'VMStopped' });
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False' });
    expect(machine?.status).toMatchObject({ infrastructureReady: false, phase: 'Provisioned', talosVersion: 'v1.11.5' });
  });

  it('reports a destroyed VM as gone: the Machine has no VM and its conditions say it was deleted', async () => {
    await vmPower(proxmox, vmids.get(worker) ?? 0, 'destroy');
    const observation = await observe();
    const seen = machineOf(observation, worker);
    expect(seen.vm).toBeUndefined();
    expect(seen.providerID).toMatch(/^proxmox:\/\//);
    const machine = await reader.get('Machine', 'default', worker);
    const conditions = (machine?.status?.['conditions'] ?? []) as { type: string; status: string; reason: string }[];
    expect(conditions.find((c) => c.type === 'InfrastructureReady')).toMatchObject({ status: 'False', reason: 'VMNotFound' });
    expect(machine?.status).toMatchObject({ phase: 'Failed', failureReason: 'VMNotFound' });
    expect(machine?.status?.['proxmox']).toBeUndefined();
    expect((await reader.get('ProxmoxMachine', 'default', worker))?.status).toMatchObject({ ready: false, vmStatus: 'notfound' });
  });

  it('reads the workload API through its kubeconfig; a Node list it cannot get leaves Nodes unknown', async () => {
    const core = management.kubeConfig.makeApiClient(CoreV1Api);
    const secret = await core.readNamespacedSecret({ namespace: 'default', name: 'obs-kubeconfig' });
    const original = secret.data?.['value'] ?? '';
    const broken = Buffer.from(
      Buffer.from(original, 'base64').toString('utf8').replace(`https://${endpointIp}:6443`, 'https://127.0.93.41:6443'),
    ).toString('base64');
    const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    await core.patchNamespacedSecret(
      { namespace: 'default', name: 'obs-kubeconfig', body: [{ op: 'replace', path: '/data/value', value: broken }] },
      jsonPatch,
    );
    try {
      const observation = await observe();
      expect(observation.kubernetesApi).toBe('unreachable');
      expect(machineOf(observation, cp).node).toBeUndefined();
      const conditions = ((await reader.get('Machine', 'default', cp))?.status?.['conditions'] ?? []) as {
        type: string;
        status: string;
        reason: string;
      }[];
      expect(conditions.find((c) => c.type === 'NodeReady')).toMatchObject({ status: 'Unknown', reason: 'ConnectionDown' });
      // The Node seen before stays on record: a later absence reads as a deleted Node, not a missing one.
      expect((await reader.get('Machine', 'default', cp))?.status?.['nodeRef']).toMatchObject({ name: cp });
    } finally {
      await core.patchNamespacedSecret(
        { namespace: 'default', name: 'obs-kubeconfig', body: [{ op: 'replace', path: '/data/value', value: original }] },
        jsonPatch,
      );
    }
  });
});
