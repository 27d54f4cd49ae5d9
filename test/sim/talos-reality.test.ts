// Reality changing behind an orchestrator's back, as Capstan's observation will meet it: Nodes
// carry the providerID and SMBIOS uuid a real kubelet registers; a deleted Node stays deleted
// until its kubelet restarts; a kubelet that stops posting turns its Node Unknown after the
// node-monitor grace period; VMs stopped, migrated and destroyed through the Proxmox API (with
// the npm proxmox-api client, as a user in the PVE UI would) do to the Talos nodes what they do to real ones.
import { status } from '@grpc/grpc-js';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Node, V1NodeCondition } from '@kubernetes/client-node';
import type { Proxmox } from 'proxmox-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import { defaultTalosTiming, startTalosControlServer } from '../../sim/talos/index.ts';
import type { TalosControlServer, TalosEventType } from '../../sim/talos/index.ts';
import { pveClient, waitForTask } from './proxmox-helpers.ts';
import {
  AdminClients,
  applyInMaintenance,
  createVm,
  eventually,
  failure,
  machineConfig,
  newBundle,
  sleep,
  startTalosStack,
  untarGz,
  withProviderId,
} from './talos-helpers.ts';
import type { Message, TalosStack, TestTalosClient } from './talos-helpers.ts';

const net = '127.0.206';
const endpoint = `https://${net}.10:6443`;
const vm = (vmid: number, name: string, host: number) => ({ vmid, name: `reality-${name}`, address: `${net}.${host}` });
const [cp1, cp2, cp3] = [vm(411, 'cp-1', 11), vm(412, 'cp-2', 12), vm(413, 'cp-3', 13)];
const [w1, w2] = [vm(421, 'w-1', 21), vm(422, 'w-2', 22)];
type Vm = typeof cp1;
// The stack runs at scale 0.01: the 50 s grace period is 0.5 s here.
const graceMs = defaultTalosTiming.nodeMonitorGracePeriod * 0.01;
let stack: TalosStack;
let bundle: SecretsBundle;
let pve: Proxmox.Api;
let core: CoreV1Api;
let control: TalosControlServer;
const uuids = new Map<number, string>();
const admins = new AdminClients();
const admin = (address: string): TestTalosClient => admins.get(address);
const providerIdOf = (machine: Vm) => `proxmox://${uuids.get(machine.vmid) ?? ''}`;
const configOf = (machine: Vm, type: 'controlplane' | 'worker', providerId = providerIdOf(machine)) =>
  Buffer.from(
    withProviderId(
      machineConfig(bundle, { type, cluster: 'reality', endpoint, hostname: machine.name, address: machine.address }),
      providerId,
    ),
  );
const node = (name: string): Promise<V1Node> => core.readNode({ name });
const condition = (n: V1Node, type = 'Ready'): V1NodeCondition | undefined => n.status?.conditions?.find((c) => c.type === type);
const ready = async (name: string): Promise<string | undefined> => condition(await node(name))?.status;
const httpCode = (error: unknown): unknown => (error as { code?: unknown }).code;
const readyPods = async (nodeName: string): Promise<number> =>
  (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` })).items.filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
const absent = (name: string): Promise<unknown> =>
  node(name).then(
    () => 'present',
    (error: unknown) => httpCode(error),
  );
const events = (type: TalosEventType, name?: string) =>
  stack.talos.events.list({ type }).filter((e) => name === undefined || e.hostname === name);
const postFault = async (fault: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${control.url}/faults/${fault}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
};
const pveTask = async (node: string, upid: Promise<string>): Promise<void> => {
  const task = await waitForTask(pve, node, await upid);
  expect(task.status.exitstatus).toBe('OK');
};

async function configure(machine: Vm, type: 'controlplane' | 'worker'): Promise<void> {
  await createVm(stack.proxmox, machine);
  // The smbios1 uuid PVE gave the clone, read back as Capstan does before it renders the config.
  const smbios = String((await pve.nodes.$('pve1').qemu.$(machine.vmid).config.$get()).smbios1);
  uuids.set(machine.vmid, /uuid=([0-9a-f-]{36})/.exec(smbios)?.[1] ?? '');
  admins.set(machine.address, await applyInMaintenance(stack, machine, configOf(machine, type), bundle));
}

beforeAll(async () => {
  [stack, bundle] = await Promise.all([startTalosStack('reality'), newBundle()]);
  pve = pveClient(stack.proxmox);
  control = await startTalosControlServer(stack.talos);
  await Promise.all([configure(cp1, 'controlplane'), configure(cp2, 'controlplane'), configure(cp3, 'controlplane')]);
  await Promise.all([configure(w1, 'worker'), configure(w2, 'worker')]);
  await eventually(() => admin(cp1.address).unary('Bootstrap'));
  await eventually(
    () => {
      expect(stack.talos.clusters()[0]?.apiAvailable).toBe(true);
    },
    150_000,
    200,
  );
  const archive = (await admin(cp1.address).stream('Kubeconfig'))[0]?.['bytes'] as Buffer;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(untarGz(archive)[0]?.content.toString() ?? '');
  core = kubeConfig.makeApiClient(CoreV1Api);
  await eventually(async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes.filter((n) => condition(n)?.status === 'True')).toHaveLength(5);
  }, 30_000);
}, 180_000);
afterAll(async () => {
  admins.closeAll();
  await control.stop();
  await stack.stop();
});

describe('identity', () => {
  it('registers every Node with spec.providerID from --provider-id and nodeInfo.systemUUID = its clone’s own smbios1 uuid', async () => {
    const all = [cp1, cp2, cp3, w1, w2];
    const template = String((await pve.nodes.$('pve1').qemu.$(9000).config.$get()).smbios1);
    expect(new Set(all.map((m) => uuids.get(m.vmid))).size).toBe(5);
    for (const machine of all) {
      const uuid = uuids.get(machine.vmid) ?? '';
      expect(template).not.toContain(uuid);
      const n = await node(machine.name);
      expect(n.spec?.providerID).toBe(`proxmox://${uuid}`);
      expect(n.status?.nodeInfo?.systemUUID).toBe(uuid);
    }
    expect(events('k8s.node-registered', w1.name)[0]?.detail).toMatchObject({ providerID: providerIdOf(w1) });
  });

  it('keeps spec.providerID once registered: the kubelet restarted with another --provider-id leaves it, and the apiserver refuses a change', async () => {
    const reply = await admin(w2.address).unary('ApplyConfiguration', { data: configOf(w2, 'worker', 'proxmox://another'), mode: 'AUTO' });
    expect(reply.messages?.[0]).toMatchObject({ mode: 'NO_REBOOT' });
    await sleep(300);
    const n = await node(w2.name);
    expect(n.spec?.providerID).toBe(providerIdOf(w2));
    n.spec ??= {};
    n.spec.providerID = 'proxmox://another';
    const refused = await core.replaceNode({ name: w2.name, body: n }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(httpCode(refused)).toBe(422);
    expect(String((refused as { body?: unknown }).body)).toContain('providerID');
    await admin(w2.address).unary('ApplyConfiguration', { data: configOf(w2, 'worker'), mode: 'AUTO' });
  });
});

describe('a deleted Node', () => {
  it('deleteNode: gone, and its running kubelet does not register it again; after the next boot it does', async () => {
    await stack.talos.faults.deleteNode(w1.address);
    expect(await absent(w1.name)).toBe(404);
    expect(events('k8s.node-deleted', w1.name)).toEqual([
      expect.objectContaining({ cluster: 'reality', address: w1.address, detail: { by: 'fault' } }),
    ]);
    expect(stack.talos.events.list({ type: 'fault.injected' }).at(-1)?.detail).toEqual({ fault: 'delete-node', target: w1.address });
    // Ten passes of the simulated kubelets later: still gone, and recorded once.
    await sleep(500);
    expect(await absent(w1.name)).toBe(404);
    expect(events('k8s.node-deleted', w1.name)).toHaveLength(1);
    expect((await admin(w1.address).unary('Version')).messages).toHaveLength(1);

    await admin(w1.address).unary('Reboot');
    await eventually(async () => {
      expect(await ready(w1.name)).toBe('True');
    }, 20_000);
    expect((await node(w1.name)).spec?.providerID).toBe(providerIdOf(w1));
    expect(events('k8s.node-registered', w1.name)).toHaveLength(2);
  });

  it('a Node deleted by someone else is noticed too; deleting a Node that is not there fails like kubectl', async () => {
    await core.deleteNode({ name: w2.name });
    await eventually(() => {
      expect(events('k8s.node-deleted', w2.name)).toEqual([expect.objectContaining({ detail: { by: 'api' } })]);
    });
    await expect(stack.talos.faults.deleteNode(w2.address)).rejects.toThrow(`nodes "${w2.name}" not found`);
    expect(await postFault('deleteNode', { target: w2.address })).toEqual({ status: 400, body: { error: `nodes "${w2.name}" not found` } });
    expect(await postFault('deleteNode', { target: `${net}.99` })).toEqual({
      status: 400,
      body: { error: `no configured Talos node at ${net}.99` },
    });
    expect(await absent(w2.name)).toBe(404);
    await admin(w2.address).unary('Reboot');
    await eventually(async () => {
      expect(await ready(w2.name)).toBe('True');
    }, 20_000);
  });
});

describe('a kubelet that stops posting', () => {
  it('kubeletFails: Ready until the grace period has passed, then Unknown with the unreachable taints; Ready again once it recovers', async () => {
    await eventually(async () => {
      expect(await readyPods(w2.name)).toBeGreaterThan(0);
    });
    const since = Date.now();
    expect(await postFault('kubeletFails', { target: w2.address, failing: true })).toEqual({ status: 200, body: { ok: true } });
    expect(await ready(w2.name)).toBe('True');
    const unknown = await eventually(async () => {
      const n = await node(w2.name);
      expect(condition(n)?.status).toBe('Unknown');
      return n;
    });
    expect(Date.now() - since).toBeGreaterThanOrEqual(graceMs);
    expect(condition(unknown)).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(condition(unknown, 'MemoryPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(unknown.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    expect(events('k8s.kubelet-stopped', w2.name)).toEqual([expect.objectContaining({ address: w2.address, cluster: 'reality' })]);
    expect(events('k8s.node-not-ready', w2.name).at(-1)?.detail).toEqual({ status: 'Unknown' });
    const services = ((await admin(w2.address).unary('ServiceList')).messages?.[0]?.['services'] ?? []) as Message[];
    expect(services.find((s) => s['id'] === 'kubelet')).toMatchObject({ state: 'Running', health: { healthy: false } });
    // The lifecycle controller marks the pods of an Unknown node not ready (MarkPodsNotReady).
    await eventually(async () => {
      expect(await readyPods(w2.name)).toBe(0);
    });

    expect(await postFault('kubeletFails', { target: w2.address, failing: false })).toEqual({ status: 200, body: { ok: true } });
    await eventually(async () => {
      const n = await node(w2.name);
      expect(condition(n)?.status).toBe('True');
      expect(n.spec?.taints ?? []).toEqual([]);
    });
    expect(events('k8s.kubelet-started', w2.name)).toHaveLength(1);
  });

  it('the fault belongs to its machine: once the VM is destroyed, a new VM given the same address posts Ready', async () => {
    expect(await postFault('kubeletFails', { target: w2.address, failing: true })).toEqual({ status: 200, body: { ok: true } });
    await pveTask('pve1', pve.nodes.$('pve1').qemu.$(w2.vmid).status.stop.$post());
    await pveTask('pve1', pve.nodes.$('pve1').qemu.$(w2.vmid).$delete());
    expect(events('fault.injected').at(-1)?.detail).toEqual({ fault: 'machine-gone', target: w2.address, ended: 'kubelet-fails' });
    admin(w2.address).close();
    await core.deleteNode({ name: w2.name }); // as Capstan does after destroying a VM
    const successor = vm(423, 'w-2', 22);
    await configure(successor, 'worker');
    await eventually(async () => {
      const n = await node(successor.name);
      expect(condition(n)?.status).toBe('True');
      expect(n.spec?.providerID).toBe(providerIdOf(successor));
    }, 20_000);
  });
});

describe('VMs changed by hand through the Proxmox API', () => {
  it('stopped: the node is down at once, its Node Unknown only after the grace period; started: Ready again', async () => {
    const since = Date.now();
    await pveTask('pve1', pve.nodes.$('pve1').qemu.$(w1.vmid).status.stop.$post());
    expect(events('node.down', w1.name).at(-1)?.detail).toMatchObject({ reason: 'vm-stopped' });
    expect((await failure(admin(w1.address).unary('Version'))).code).toBe(status.UNAVAILABLE);
    expect(await ready(w1.name)).toBe('True');
    await eventually(async () => {
      expect(condition(await node(w1.name))).toMatchObject({ status: 'Unknown', message: 'Kubelet stopped posting node status.' });
    });
    expect(Date.now() - since).toBeGreaterThanOrEqual(graceMs);
    await pveTask('pve1', pve.nodes.$('pve1').qemu.$(w1.vmid).status.start.$post());
    await eventually(async () => {
      expect(await ready(w1.name)).toBe('True');
    });
  });

  it('a graceful reboot: the kubelet posts NotReady "node is shutting down" before it stops', async () => {
    // The client's channel is still backing off from the stop: retry until apid answers it.
    await eventually(() => admin(w1.address).unary('Reboot'));
    await eventually(
      async () => {
        expect(condition(await node(w1.name))).toMatchObject({ status: 'False', message: 'node is shutting down' });
      },
      5_000,
      5,
    );
    await eventually(async () => {
      expect(await ready(w1.name)).toBe('True');
    });
  });

  it('migrated online: the node keeps running at its address; its power-off then goes to the new Proxmox node', async () => {
    const downs = events('node.down', w1.name).length;
    await pveTask('pve1', pve.nodes.$('pve1').qemu.$(w1.vmid).migrate.$post({ target: 'pve2', online: true }));
    expect(stack.proxmox.vms().find((v) => v.vmid === w1.vmid)).toMatchObject({ node: 'pve2', status: 'running' });
    expect(events('node.down', w1.name)).toHaveLength(downs);
    expect(stack.talos.nodes().find((n) => n.vmid === w1.vmid)).toMatchObject({ stage: 'running', address: w1.address });
    expect((await eventually(() => admin(w1.address).unary('Version'))).messages).toHaveLength(1);
    expect(await ready(w1.name)).toBe('True');

    await admin(w1.address).unary('Shutdown');
    await eventually(async () => {
      expect(stack.proxmox.vms().find((v) => v.vmid === w1.vmid)?.status).toBe('stopped');
      // A Talos Shutdown is graceful, even though its VM then powers off.
      expect(condition(await node(w1.name))).toMatchObject({ status: 'False', message: 'node is shutting down' });
    });
    expect(stack.talos.events.list({ type: 'sim.warning' }).filter((e) => e.vmid === w1.vmid)).toEqual([]);
  });

  it('migrated offline: it comes back on the new node, same address and identity, once started', async () => {
    await pveTask('pve2', pve.nodes.$('pve2').qemu.$(w1.vmid).migrate.$post({ target: 'pve3' }));
    await pveTask('pve3', pve.nodes.$('pve3').qemu.$(w1.vmid).status.start.$post());
    await eventually(async () => {
      expect(stack.talos.nodes().find((n) => n.vmid === w1.vmid)).toMatchObject({ stage: 'running', address: w1.address });
      expect(await ready(w1.name)).toBe('True');
    }, 20_000);
    const n = await node(w1.name);
    expect(n.spec?.providerID).toBe(providerIdOf(w1));
    expect(n.status?.nodeInfo?.systemUUID).toBe(uuids.get(w1.vmid));
  });

  it('destroyed: the node is gone for good, its etcd member stays listed and unreachable, its Node goes Unknown and stays', async () => {
    await pveTask('pve1', pve.nodes.$('pve1').qemu.$(cp3.vmid).status.stop.$post());
    await pveTask('pve1', pve.nodes.$('pve1').qemu.$(cp3.vmid).$delete());
    expect(events('node.down', cp3.name).at(-1)?.detail).toMatchObject({ reason: 'vm-destroyed' });
    expect(stack.talos.nodes().some((n) => n.vmid === cp3.vmid)).toBe(false);
    expect((await failure(admin(cp3.address).unary('Version'))).code).toBe(status.UNAVAILABLE);
    const members = ((await admin(cp1.address).unary('EtcdMemberList')).messages?.[0]?.['members'] ?? []) as {
      hostname: string;
      id: string;
    }[];
    expect(members.map((m) => m.hostname).sort()).toEqual([cp1.name, cp2.name, cp3.name]);
    const cluster = stack.talos.clusters()[0];
    expect(cluster?.quorum).toBe(true);
    expect(cluster?.etcdMembers.find((m) => m.hostname === cp3.name)).toMatchObject({ reachable: false, leader: false });
    const health = (await admin(cp1.address).unary('EtcdStatus')).messages?.[0]?.['memberStatus'] as { errors: string[]; leader: string };
    expect(health.errors).toEqual([]);
    expect(health.leader).not.toBe(members.find((m) => m.hostname === cp3.name)?.id);
    await eventually(async () => {
      expect(await ready(cp3.name)).toBe('Unknown');
    });
    await sleep(300);
    expect(await ready(cp3.name)).toBe('Unknown');
  });
});
