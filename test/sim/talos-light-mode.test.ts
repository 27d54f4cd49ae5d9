// Light mode: several simulated clusters on one shared kube-apiserver. Each cluster's kubeconfig
// reaches its own endpoint, its kubelets register and keep only its Nodes, its controllers run
// only its pods, an eviction in one cluster leaves the others' pods alone, and one cluster's
// client certificate is refused at another's endpoint.
import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simClusterMemory } from '../../embedded/servers/process-memory.ts';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import {
  AdminClients,
  applyInMaintenance,
  createVm,
  eventually,
  failure,
  machineConfig,
  newBundle,
  startTalosStack,
  untarGz,
  vmPower,
} from './talos-helpers.ts';
import type { TalosStack } from './talos-helpers.ts';

const clusterLabel = 'sim.capstan.dev/cluster';

interface Machine {
  readonly vmid: number;
  readonly name: string;
  readonly address: string;
  readonly type: 'controlplane' | 'worker';
}

interface LightCluster {
  readonly name: string;
  readonly endpoint: string;
  readonly machines: readonly Machine[];
  kubeconfig: string;
  core: CoreV1Api;
}

const names = ['light-a', 'light-b', 'light-c'];
const clusters: LightCluster[] = names.map((name, c) => {
  const net = `127.0.${235 + c}`;
  return {
    name,
    endpoint: `https://${net}.10:6443`,
    machines: [
      { vmid: 600 + c * 10, name: `${name}-cp-1`, address: `${net}.11`, type: 'controlplane' },
      { vmid: 601 + c * 10, name: `${name}-w-1`, address: `${net}.21`, type: 'worker' },
      { vmid: 602 + c * 10, name: `${name}-w-2`, address: `${net}.22`, type: 'worker' },
    ],
    kubeconfig: '',
    core: undefined as unknown as CoreV1Api,
  };
});
let stack: TalosStack;
const admins = new AdminClients();

const ready = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const live = (pod: V1Pod): boolean => pod.metadata?.deletionTimestamp === undefined;
const httpCode = (error: unknown): unknown => (error as { code?: unknown }).code;

/** The cluster's key, as its kubelets label its Nodes. */
async function keyOf(cluster: LightCluster): Promise<string> {
  const node = await cluster.core.readNode({ name: cluster.machines[0]!.name });
  return node.metadata?.labels?.[clusterLabel] ?? '';
}

/** The `web` pods of a cluster, found by its label. */
async function webPods(cluster: LightCluster): Promise<V1Pod[]> {
  const key = await keyOf(cluster);
  return (await cluster.core.listPodForAllNamespaces({ labelSelector: `app=web,${clusterLabel}=${key}` })).items.filter(live);
}

async function provision(cluster: LightCluster, bundle: SecretsBundle): Promise<void> {
  await Promise.all(
    cluster.machines.map(async (m) => {
      await createVm(stack.proxmox, m);
      const config = machineConfig(bundle, {
        type: m.type,
        cluster: cluster.name,
        endpoint: cluster.endpoint,
        hostname: m.name,
        address: m.address,
      });
      admins.set(m.address, await applyInMaintenance(stack, m, Buffer.from(config), bundle));
    }),
  );
  const cp = admins.get(cluster.machines[0]!.address);
  await eventually(() => cp.unary('Bootstrap'));
  await eventually(
    () => {
      expect(stack.talos.clusters().find((c) => c.name === cluster.name)?.apiAvailable).toBe(true);
    },
    150_000,
    200,
  );
  const data = await cp.stream('Kubeconfig');
  cluster.kubeconfig = untarGz(data[0]?.['bytes'] as Buffer)[0]?.content.toString() ?? '';
  const config = new KubeConfig();
  config.loadFromString(cluster.kubeconfig);
  cluster.core = config.makeApiClient(CoreV1Api);
}

beforeAll(async () => {
  stack = await startTalosStack('light', { sharedKubernetes: true });
  const bundles = await Promise.all(clusters.map(() => newBundle()));
  await Promise.all(clusters.map((cluster, i) => provision(cluster, bundles[i]!)));
}, 300_000);
afterAll(async () => {
  admins.closeAll();
  await stack.stop();
});

describe('light mode (sharedKubernetes with one shared kube-apiserver)', () => {
  it('runs every cluster on one kube-apiserver process', () => {
    const [apiserver] = stack.kube.processIds();
    expect(stack.talos.processIds()).toEqual([apiserver]);
    const memory = simClusterMemory(stack.kube.processIds(), clusters.length);
    console.log(`light mode, ${clusters.length} clusters: ${JSON.stringify(memory)}`);
    expect(Object.keys(memory.processes)).toHaveLength(2);
  });

  it("shows each cluster's kubeconfig its own Nodes, Ready, labelled with its own key", async () => {
    const keys = new Set<string>();
    for (const cluster of clusters) {
      await eventually(async () => {
        for (const m of cluster.machines) {
          const node = await cluster.core.readNode({ name: m.name });
          expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
        }
      }, 60_000);
      const key = await keyOf(cluster);
      const own = (await cluster.core.listNode({ labelSelector: `${clusterLabel}=${key}` })).items.map((n) => n.metadata?.name);
      expect(own.sort()).toEqual(cluster.machines.map((m) => m.name).sort());
      keys.add(key);
    }
    expect(keys.size).toBe(clusters.length);
    // The fidelity light mode gives up: every cluster lists the Nodes of all of them.
    expect((await clusters[0]!.core.listNode()).items).toHaveLength(clusters.length * 3);
  });

  it("runs each cluster's sample workload in a namespace of its own, on its own Nodes", async () => {
    const namespaces = new Set<string>();
    for (const cluster of clusters) {
      const pods = await eventually(async () => {
        const list = await webPods(cluster);
        expect(list.filter(ready)).toHaveLength(2);
        return list;
      }, 60_000);
      const workers = cluster.machines.filter((m) => m.type === 'worker').map((m) => m.name);
      for (const pod of pods) expect(workers).toContain(pod.spec?.nodeName);
      namespaces.add(pods[0]?.metadata?.namespace ?? '');
    }
    expect([...namespaces].every((ns) => ns.startsWith('light-'))).toBe(true);
    expect(namespaces.size).toBe(clusters.length);
  });

  it("evicts one cluster's pods (a drain) without touching another cluster's", async () => {
    const [a, ...others] = clusters;
    const before = await Promise.all(others.map(async (c) => (await webPods(c)).map((p) => p.metadata?.uid).sort()));
    // Drain the worker that holds web pods: cordon it, then evict them one by one (the budget
    // lets the second go once the first one's replacement runs).
    const pods = await webPods(a!);
    const worker = pods[0]?.spec?.nodeName ?? '';
    const other = a!.machines.find((m) => m.type === 'worker' && m.name !== worker)!.name;
    await eventually(async () => {
      const node = await a!.core.readNode({ name: worker });
      node.spec ??= {};
      node.spec.unschedulable = true;
      return a!.core.replaceNode({ name: worker, body: node });
    });
    const onNode = pods.filter((p) => p.spec?.nodeName === worker);
    for (const pod of onNode) {
      const target = { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '' };
      await eventually(
        () => a!.core.createNamespacedPodEviction({ ...target, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: target } }),
        60_000,
      );
    }
    // The ReplicaSet of cluster A replaces them on A's other worker.
    await eventually(async () => {
      const pods = await webPods(a!);
      expect(pods.filter(ready).map((p) => p.spec?.nodeName)).toEqual([other, other]);
    }, 60_000);
    const after = await Promise.all(others.map(async (c) => (await webPods(c)).map((p) => p.metadata?.uid).sort()));
    expect(after).toEqual(before);
    const evicted = stack.talos.events.list({ type: 'pod.evicted' });
    expect(evicted.map((e) => [e.cluster, e.hostname])).toEqual(onNode.map(() => [a!.name, worker]));
  });

  it("refuses cluster A's client certificate at cluster B's endpoint (401), as B's own apiserver would", async () => {
    const [a, b] = clusters;
    const userOf = (kubeconfig: string) =>
      (parse(kubeconfig) as { users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[] }).users[0]!.user;
    const clusterOf = (kubeconfig: string) =>
      (parse(kubeconfig) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[] }).clusters[0]!.cluster;
    const mixed = new KubeConfig();
    mixed.loadFromOptions({
      clusters: [{ name: 'b', server: clusterOf(b!.kubeconfig).server, caData: clusterOf(b!.kubeconfig)['certificate-authority-data'] }],
      users: [{ name: 'a', certData: userOf(a!.kubeconfig)['client-certificate-data'], keyData: userOf(a!.kubeconfig)['client-key-data'] }],
      contexts: [{ name: 'a-at-b', cluster: 'b', user: 'a' }],
      currentContext: 'a-at-b',
    });
    const error = await mixed
      .makeApiClient(CoreV1Api)
      .listNode()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(httpCode(error)).toBe(401);
    // Its own certificate still works there.
    expect((await b!.core.listNode()).items.length).toBeGreaterThan(0);
  });

  it("leaves a Node whose name another cluster's machine reports to the cluster that registered it, and says why", async () => {
    const [a] = clusters;
    const taken = a!.machines[1]!;
    const intruder: LightCluster = {
      name: 'light-d',
      endpoint: 'https://127.0.238.10:6443',
      machines: [{ vmid: 650, name: taken.name, address: '127.0.238.11', type: 'controlplane' }],
      kubeconfig: '',
      core: undefined as unknown as CoreV1Api,
    };
    const keyBefore = await keyOf(a!);
    const uidBefore = (await a!.core.readNode({ name: taken.name })).metadata?.uid;
    await provision(intruder, await newBundle());
    await eventually(() => {
      const warnings = stack.talos.events.list({ type: 'sim.warning' }).filter((e) => e.cluster === 'light-d');
      expect(warnings.map((e) => e.detail?.['message'])).toContainEqual(expect.stringContaining(`Node ${taken.name} already exists`));
    }, 30_000);
    const node = await a!.core.readNode({ name: taken.name });
    expect([node.metadata?.uid, node.metadata?.labels?.[clusterLabel]]).toEqual([uidBefore, keyBefore]);
    // Its machines gone, the intruder retires without taking A's Node along.
    await vmPower(stack.proxmox, 650, 'stop');
    await vmPower(stack.proxmox, 650, 'destroy');
    await eventually(() => {
      expect(stack.talos.clusters().map((c) => c.name)).not.toContain('light-d');
    });
    expect((await a!.core.readNode({ name: taken.name })).metadata?.uid).toBe(uidBefore);
  });

  it("removes a cluster's Nodes and pods from the shared apiserver once its machines are all gone, and only its", async () => {
    const c = clusters[2]!;
    const b = clusters[1]!;
    const key = await keyOf(c);
    for (const m of c.machines) {
      await vmPower(stack.proxmox, m.vmid, 'stop');
      await vmPower(stack.proxmox, m.vmid, 'destroy');
    }
    await eventually(async () => {
      expect((await b.core.listNode({ labelSelector: `${clusterLabel}=${key}` })).items).toEqual([]);
      expect((await b.core.listPodForAllNamespaces({ labelSelector: `${clusterLabel}=${key}` })).items).toEqual([]);
    }, 30_000);
    expect((await b.core.listNode()).items.map((n) => n.metadata?.name).sort()).toEqual(
      clusters
        .slice(0, 2)
        .flatMap((cluster) => cluster.machines.map((m) => m.name))
        .sort(),
    );
    expect((await webPods(b)).filter(ready)).toHaveLength(2);
  });

  it("streams the shared etcd's real snapshot, and refuses an etcd recovery: one etcd holds every cluster's data", async () => {
    const a = clusters[0]!;
    const cp = admins.get(a.machines[0]!.address);
    const snapshot = Buffer.concat((await cp.stream('EtcdSnapshot')).map((m) => m['bytes'] as Buffer));
    expect(snapshot.subarray(-32)).toEqual(createHash('sha256').update(snapshot.subarray(0, -32)).digest());
    stack.talos.faults.etcdDataLost(a.machines[0]!.address);
    await eventually(() => {
      expect(stack.talos.clusters().find((c) => c.name === a.name)?.apiAvailable).toBe(false);
    });
    await cp.upload('EtcdRecover', [snapshot]);
    expect(await failure(cp.unary('Bootstrap', { recoverEtcd: true }))).toEqual({
      code: status.FAILED_PRECONDITION,
      details:
        'etcd recovery is not simulated here: the simulator shares one etcd among clusters (sharedEtcd or light mode), so one cluster cannot be restored on its own',
    });
    // The shared etcd keeps every cluster's data: the other cluster still answers.
    expect((await clusters[1]!.core.listNode()).items.length).toBeGreaterThan(0);
  });
});
