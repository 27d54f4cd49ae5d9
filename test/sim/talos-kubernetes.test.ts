// The simulated cluster's Kubernetes API is a real kube-apiserver: the kubeconfig from the
// Kubeconfig RPC works against it, the simulator registers Nodes, runs pods, keeps PDB status so
// evictions behave, follows VM power and Kubernetes/Talos upgrades.
import { X509Certificate } from 'node:crypto';
import { CoreV1Api, KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { status } from '@grpc/grpc-js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import {
  AdminClients,
  applyInMaintenance,
  bootstrapUntilApiAvailable,
  createVm,
  eventually,
  failure,
  machineConfig,
  newBundle,
  startTalosStack,
  untarGz,
  vmPower,
} from './talos-helpers.ts';
import type { TalosStack, TestTalosClient } from './talos-helpers.ts';

const net = '127.0.203';
const cp = { vmid: 231, name: 'kube-cp-1', address: `${net}.11` };
const w1 = { vmid: 241, name: 'kube-w-1', address: `${net}.21` };
const w2 = { vmid: 242, name: 'kube-w-2', address: `${net}.22` };
const endpoint = `https://${cp.address}:6443`;
let stack: TalosStack;
let bundle: SecretsBundle;
let core: CoreV1Api;
let policy: PolicyV1Api;
const admins = new AdminClients();
const admin = (address: string): TestTalosClient => admins.get(address);
const configOf = (vm: typeof cp, type: 'controlplane' | 'worker', versions: { kubernetes?: string } = {}) =>
  Buffer.from(machineConfig(bundle, { type, cluster: 'kube', endpoint, hostname: vm.name, address: vm.address, ...versions }));
const node = async (name: string): Promise<V1Node> => core.readNode({ name });
const ready = (n: V1Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const webPods = async (): Promise<V1Pod[]> => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items;
const running = (pods: V1Pod[]) =>
  pods.filter(
    (p) => p.metadata?.deletionTimestamp === undefined && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
const evict = (pod: V1Pod) =>
  core.createNamespacedPodEviction({
    name: pod.metadata?.name ?? '',
    namespace: 'default',
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata?.name ?? '', namespace: 'default' } },
  });
const httpCode = (error: unknown): unknown => (error as { code?: unknown }).code;
// Like kubectl cordon, with a retry when the simulated kubelet updated the Node meanwhile.
const cordon = (name: string, unschedulable: boolean): Promise<unknown> =>
  eventually(async () => {
    const current = await node(name);
    current.spec ??= {};
    current.spec.unschedulable = unschedulable;
    return core.replaceNode({ name, body: current });
  });

async function configure(vm: typeof cp, type: 'controlplane' | 'worker'): Promise<void> {
  await createVm(stack.proxmox, vm);
  admins.set(vm.address, await applyInMaintenance(stack, vm, configOf(vm, type), bundle));
}

beforeAll(async () => {
  [stack, bundle] = await Promise.all([startTalosStack('kubernetes'), newBundle()]);
  await Promise.all([configure(cp, 'controlplane'), configure(w1, 'worker'), configure(w2, 'worker')]);
  await bootstrapUntilApiAvailable(stack, admin(cp.address));
}, 180_000);
afterAll(async () => {
  admins.closeAll();
  await stack.stop();
});

describe('Kubeconfig', () => {
  it('streams one .tar.gz holding `kubeconfig` (0600) for the endpoint, with an admin certificate of the Kubernetes CA', async () => {
    const data = await admin(cp.address).stream('Kubeconfig');
    expect(data).toHaveLength(1);
    const files = untarGz(data[0]?.['bytes'] as Buffer);
    expect(files.map((f) => [f.name, f.mode])).toEqual([['kubeconfig', 0o600]]);
    const text = files[0]?.content.toString() ?? '';
    const doc = parse(text) as {
      clusters: { name: string; cluster: { server: string } }[];
      'current-context': string;
      users: { user: { 'client-certificate-data': string } }[];
    };
    expect(doc).toMatchObject({ clusters: [{ name: 'kube', cluster: { server: endpoint } }], 'current-context': 'admin@kube' });
    const cert = new X509Certificate(Buffer.from(doc.users[0]?.user['client-certificate-data'] ?? '', 'base64'));
    expect(cert.subject.split('\n').sort()).toEqual(['CN=admin', 'O=system:masters']);
    expect(cert.verify(new X509Certificate(bundle.certs.k8s.crt).publicKey)).toBe(true);
    expect(await failure(admin(w1.address).stream('Kubeconfig'))).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'kubeconfig is only available on control plane nodes',
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(text);
    core = kubeConfig.makeApiClient(CoreV1Api);
    policy = kubeConfig.makeApiClient(PolicyV1Api);
  });
});

describe('nodes and pods', () => {
  it('registers a Ready Node per machine with its kubelet and Talos versions', async () => {
    const nodes = await eventually(async () => {
      const list = (await core.listNode()).items;
      expect(list.map((n) => [n.metadata?.name, ready(n)]).sort()).toEqual([
        [cp.name, 'True'],
        [w1.name, 'True'],
        [w2.name, 'True'],
      ]);
      // The not-ready taint admission puts on new Nodes goes once they are Ready.
      expect(list.map((n) => [n.metadata?.name, (n.spec?.taints ?? []).map((t) => t.key)]).sort()).toEqual([
        [cp.name, ['node-role.kubernetes.io/control-plane']],
        [w1.name, []],
        [w2.name, []],
      ]);
      return list;
    }, 30_000);
    for (const n of nodes) expect(n.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.33.4', osImage: 'Talos (v1.11.2)' });
    expect(nodes.find((n) => n.metadata?.name === cp.name)?.metadata?.labels).toHaveProperty('node-role.kubernetes.io/control-plane');
    expect(
      stack.talos.events
        .list({ type: 'k8s.node-ready' })
        .map((e) => e.hostname)
        .sort(),
    ).toEqual([cp.name, w1.name, w2.name]);
  });

  it('runs DaemonSet pods everywhere, web pods on the workers, a mirror pod on the control plane, and keeps the PDB current', async () => {
    await eventually(async () => {
      const system = (await core.listNamespacedPod({ namespace: 'kube-system' })).items;
      const proxies = system.filter((p) => p.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet');
      expect(proxies.map((p) => p.spec?.nodeName).sort()).toEqual([cp.name, w1.name, w2.name]);
      expect(system.find((p) => p.metadata?.name === `kube-apiserver-${cp.name}`)?.metadata?.annotations).toHaveProperty(
        'kubernetes.io/config.mirror',
      );
      const web = running(await webPods());
      expect(web).toHaveLength(2);
      expect(web.every((p) => p.spec?.nodeName === w1.name || p.spec?.nodeName === w2.name)).toBe(true);
      const pdb = await policy.readNamespacedPodDisruptionBudget({ namespace: 'default', name: 'web' });
      expect(pdb.status).toMatchObject({
        expectedPods: 2,
        currentHealthy: 2,
        desiredHealthy: 1,
        disruptionsAllowed: 1,
        observedGeneration: 1,
      });
    }, 30_000);
  });

  it('evictions: refused by the PDB, allowed again once the evicted pod was re-created on another node', async () => {
    const [first, second] = running(await webPods());
    if (first === undefined || second === undefined) throw new Error('web pods not running');
    const drained = first.spec?.nodeName ?? '';
    await cordon(drained, true);
    await evict(first);
    const refused = await evict(second).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(httpCode(refused)).toBe(429);
    expect(String((refused as { body?: unknown }).body)).toContain('disruption budget');
    const replacement = await eventually(async () => {
      const now = running(await webPods());
      expect(now.map((p) => p.metadata?.name)).not.toContain(first.metadata?.name);
      expect(now).toHaveLength(2);
      const pdb = await policy.readNamespacedPodDisruptionBudget({ namespace: 'default', name: 'web' });
      expect(pdb.status?.disruptionsAllowed).toBe(1);
      return now.find((p) => p.metadata?.name !== second.metadata?.name);
    }, 30_000);
    expect(replacement?.spec?.nodeName).not.toBe(drained);
    expect(replacement?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet' });
    await evict(second);
    await eventually(() => {
      expect(
        stack.talos.events
          .list({ type: 'pod.evicted' })
          .map((e) => e.detail?.['pod'])
          .sort(),
      ).toEqual([first.metadata?.name, second.metadata?.name].sort());
    });
    await cordon(drained, false);
  });

  it('marks a Node NotReady when its VM stops, Ready again when it is back', async () => {
    await vmPower(stack.proxmox, w1.vmid, 'stop');
    await eventually(async () => {
      const n = await node(w1.name);
      expect(ready(n)).toBe('Unknown');
      // The node lifecycle controller's pair: NoSchedule from the condition, NoExecute for taint-based eviction.
      expect(n.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
        'node.kubernetes.io/unreachable:NoSchedule',
        'node.kubernetes.io/unreachable:NoExecute',
      ]);
      // Recorded once the sim's status write returns, which may be just after this test reads the Node.
      expect(stack.talos.events.list({ type: 'k8s.node-not-ready' }).at(-1)).toMatchObject({ hostname: w1.name });
    });
    await vmPower(stack.proxmox, w1.vmid, 'start');
    await eventually(async () => {
      expect(ready(await node(w1.name))).toBe('True');
    });
  });

  it('a config apply with a new kubelet image upgrades the Node’s kubeletVersion', async () => {
    const reply = await admin(w2.address).unary('ApplyConfiguration', {
      data: configOf(w2, 'worker', { kubernetes: '1.34.1' }),
      mode: 'AUTO',
    });
    expect(reply.messages?.[0]).toMatchObject({ mode: 'NO_REBOOT', modeDetails: 'Applied configuration without a reboot' });
    await eventually(async () => {
      expect((await node(w2.name)).status?.nodeInfo?.kubeletVersion).toBe('v1.34.1');
    });
  });
});

describe('Talos upgrades', () => {
  it('acks, reboots and comes back on the new version', async () => {
    const reply = await admin(w2.address).unary('Upgrade', { image: 'ghcr.io/siderolabs/installer:v1.11.3' });
    expect(reply.messages?.[0]).toMatchObject({
      ack: 'Upgrade request received',
      actorId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    await eventually(
      () => {
        expect(stack.talos.nodes().find((n) => n.vmid === w2.vmid)?.stage).toBe('rebooting');
      },
      2_000,
      2,
    );
    expect((await failure(admin(w2.address).unary('Version'))).code).toBe(status.UNAVAILABLE);
    const version = await eventually(() => admin(w2.address).unary('Version'));
    expect(version.messages?.[0]).toMatchObject({ version: { tag: 'v1.11.3' } });
    await eventually(async () => {
      expect((await node(w2.name)).status?.nodeInfo?.osImage).toBe('Talos (v1.11.3)');
    });
    expect(stack.talos.events.list({ type: 'upgrade.finished' })).toEqual([
      expect.objectContaining({ hostname: w2.name, detail: expect.objectContaining({ from: 'v1.11.2', to: 'v1.11.3' }) as unknown }),
    ]);
  });

  it('rolls back to the old version when the new one fails to boot', async () => {
    stack.talos.faults.failNextUpgrade(w1.address);
    await admin(w1.address).unary('Upgrade', { image: 'ghcr.io/siderolabs/installer:v1.11.3' });
    await eventually(() => {
      expect(stack.talos.events.list({ type: 'upgrade.rolled-back' })).toHaveLength(1);
    });
    const version = await eventually(() => admin(w1.address).unary('Version'));
    expect(version.messages?.[0]).toMatchObject({ version: { tag: 'v1.11.2' } });
  });

  it('a node that never comes back stays down and NotReady', async () => {
    stack.talos.faults.neverComesBack(w1.address);
    await admin(w1.address).unary('Upgrade', { image: 'ghcr.io/siderolabs/installer:v1.11.3' });
    await eventually(() => {
      expect(stack.talos.events.list({ type: 'upgrade.failed' })).toEqual([expect.objectContaining({ hostname: w1.name })]);
    });
    expect(stack.talos.nodes().find((n) => n.vmid === w1.vmid)?.stage).toBe('down');
    expect((await failure(admin(w1.address).unary('Version'))).code).toBe(status.UNAVAILABLE);
    await eventually(async () => {
      expect(ready(await node(w1.name))).toBe('Unknown');
    });
  });
});
