// etcd disaster recovery on the simulator, judged by etcd's own tool: EtcdSnapshot streams the
// real etcd's snapshot (etcdutl accepts it), quorum lost for good (every control plane's etcd
// data gone: the fault and Reset of EPHEMERAL) takes the API down, and EtcdRecover +
// Bootstrap{recover_etcd} bring the data back as Talos does — refusing what Talos refuses.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { kubeAssets, requireTool } from '../../tools/tool-paths.ts';
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
} from './talos-helpers.ts';
import type { TalosStack, TestTalosClient } from './talos-helpers.ts';

const net = '127.0.208';
const vip = `${net}.10`;
const endpoint = `https://${vip}:6443`;
const cps = [1, 2, 3].map((i) => ({ vmid: 280 + i, name: `dr-cp-${i}`, address: `${net}.${10 + i}` }));
const worker = { vmid: 291, name: 'dr-w-1', address: `${net}.21` };
const [cp1, cp2, cp3] = cps as [(typeof cps)[0], (typeof cps)[0], (typeof cps)[0]];
let stack: TalosStack;
let bundle: SecretsBundle;
let core: CoreV1Api;
const files = makeTempDir('etcd-recovery-files');
const admins = new AdminClients();
const admin = (address: string): TestTalosClient => admins.get(address);
const etcdutl = (...args: string[]): string =>
  execFileSync(requireTool(kubeAssets(), 'etcdutl'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const cluster = () => stack.talos.clusters()[0];
const namespace = 'default';
let snapshot: Buffer;

async function configure(vm: { vmid: number; name: string; address: string }, type: 'controlplane' | 'worker'): Promise<void> {
  await createVm(stack.proxmox, vm);
  const data = Buffer.from(machineConfig(bundle, { type, cluster: 'dr', endpoint, hostname: vm.name, address: vm.address }));
  admins.set(vm.address, await applyInMaintenance(stack, vm, data, bundle));
}

type Service = { id: string; state: string; events: { events: { msg: string }[] }; health: { healthy: boolean } };
/** The etcd service as `talosctl service etcd` shows it: state, health and its last message. */
const etcdService = async (address: string): Promise<{ state: string; healthy: boolean; message: string }> => {
  const reply = await admin(address).unary('ServiceList');
  const etcd = ((reply.messages?.[0]?.['services'] ?? []) as Service[]).find((s) => s.id === 'etcd');
  return { state: etcd?.state ?? '', healthy: etcd?.health.healthy ?? false, message: etcd?.events.events.at(-1)?.msg ?? '' };
};
const takeSnapshot = async (address: string): Promise<Buffer> =>
  Buffer.concat((await admin(address).stream('EtcdSnapshot')).map((m) => m['bytes'] as Buffer));
const upload = (address: string, data: Buffer) =>
  admin(address).upload(
    'EtcdRecover',
    Array.from({ length: Math.ceil(data.length / 65_536) }, (_, i) => data.subarray(i * 65_536, (i + 1) * 65_536)),
  );
const voters = () => (cluster()?.etcdMembers ?? []).filter((m) => !m.learner).map((m) => m.hostname);
const writeFile = (name: string, data: Buffer): string => {
  const path = join(files.path, name);
  writeFileSync(path, data);
  return path;
};
// What etcdutl itself says when it refuses the file (`snapshot status <file>`, `snapshot restore <file> …`).
const etcdutlRefusal = (command: 'status' | 'restore', path: string): string => {
  const target = command === 'restore' ? [`--data-dir=${join(files.path, `restore-${Date.now()}`)}`] : [];
  try {
    etcdutl('snapshot', command, path, ...target);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr);
    return (
      stderr
        .split('\n')
        .find((line) => line.startsWith('Error: '))
        ?.slice('Error: '.length) ?? stderr
    );
  }
  throw new Error(`etcdutl snapshot ${command} accepted the file`);
};

/** Every control plane's etcd data is lost: the fault on two, Reset of EPHEMERAL on the third. */
async function loseEveryMembersData(): Promise<void> {
  stack.talos.faults.etcdDataLost(cp2.address);
  stack.talos.faults.etcdDataLost(cp3.address);
  await admin(cp1.address).unary('Reset', { graceful: false, reboot: true, systemPartitionsToWipe: [{ label: 'EPHEMERAL', wipe: true }] });
  await eventually(() => {
    expect(stack.talos.events.list({ type: 'etcd.data-destroyed' }).length).toBeGreaterThan(0);
    expect(stack.talos.nodes().find((n) => n.address === cp1.address)?.stage).toBe('running');
  }, 30_000);
}

beforeAll(async () => {
  [stack, bundle] = await Promise.all([startTalosStack('etcd-recovery'), newBundle()]);
  await Promise.all([...cps.map((vm) => configure(vm, 'controlplane')), configure(worker, 'worker')]);
  await bootstrapUntilApiAvailable(stack, admin(cp1.address));
  await eventually(() => {
    expect(voters().sort()).toEqual(cps.map((c) => c.name));
  }, 30_000);
  const kubeconfig = untarGz((await admin(cp1.address).stream('Kubeconfig'))[0]?.['bytes'] as Buffer)[0]?.content.toString() ?? '';
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  core = config.makeApiClient(CoreV1Api);
}, 180_000);
afterAll(async () => {
  admins.closeAll();
  await stack.stop();
  files.remove();
});

describe('etcd disaster recovery', () => {
  it('EtcdSnapshot streams the real etcd snapshot: etcdutl accepts it, at the revision of the last write', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'kept-by-the-backup' }, data: { answer: '42' } },
    });
    snapshot = await takeSnapshot(cp2.address);
    // etcd's trailer: the sha256 of the bbolt db before it.
    const db = snapshot.subarray(0, snapshot.length - 32);
    expect(snapshot.subarray(-32)).toEqual(createHash('sha256').update(db).digest());
    const report = JSON.parse(etcdutl('snapshot', 'status', writeFile('good.db', snapshot), '--write-out=json')) as {
      revision: number;
      totalKey: number;
    };
    expect(report.revision).toBeGreaterThanOrEqual(Number(created.metadata?.resourceVersion));
    expect(report.totalKey).toBeGreaterThan(10);
    await core.deleteNamespacedConfigMap({ namespace, name: 'kept-by-the-backup' });
  });

  it('quorum lost for good: every etcd waits with an empty data dir, the API is down, the event log says so', async () => {
    await loseEveryMembersData();
    expect(cluster()?.apiAvailable).toBe(false);
    await expect(core.listNamespacedConfigMap({ namespace })).rejects.toThrow();
    await eventually(async () => {
      for (const cp of cps)
        expect(await etcdService(cp.address)).toEqual({ state: 'Preparing', healthy: false, message: 'Running pre state' });
    });
    expect((await failure(admin(cp2.address).unary('EtcdMemberList'))).code).toBe(status.UNAVAILABLE);
    expect(stack.talos.events.list({ type: 'etcd.data-lost' }).map((e) => e.hostname)).toEqual(
      expect.arrayContaining(cps.map((c) => c.name)),
    );
    expect(stack.talos.events.list({ type: 'k8s.api-down' }).length).toBeGreaterThan(0);
    // The cluster's own etcd and its apiserver are stopped: nothing of it runs any more.
    expect(stack.kube.processIds()).toEqual([]);
  }, 60_000);

  it('refuses as Talos does: no upload, a worker, a snapshot whose hash does not match', async () => {
    // Talos answers Bootstrap at once (once CRI runs after the reset's reboot); its etcd service then fails in the pre stage.
    await eventually(() => admin(cp1.address).unary('Bootstrap', { recoverEtcd: true }));
    await eventually(async () => {
      expect(await etcdService(cp1.address)).toMatchObject({
        state: 'Failed',
        message: 'Failed to run pre stage: error verifying snapshot: stat /var/lib/etcd.snapshot: no such file or directory',
      });
    });
    expect(await failure(upload(worker.address, snapshot))).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'etcd recover is only available on control plane nodes',
    });
    const corrupted = Buffer.from(snapshot);
    corrupted[corrupted.length - 1] = (corrupted.at(-1) ?? 0) ^ 0xff;
    const refusal = etcdutlRefusal('restore', writeFile('corrupted.db', corrupted));
    expect(refusal).toMatch(/^expected sha256 \[/);
    await upload(cp1.address, corrupted);
    await admin(cp1.address).unary('Bootstrap', { recoverEtcd: true });
    await eventually(async () => {
      expect(await etcdService(cp1.address)).toMatchObject({
        state: 'Failed',
        message: `Failed to run pre stage: error recovering from the snapshot: ${refusal}`,
      });
    }, 30_000);
    // Not a bbolt db at all: refused already when Talos reads the snapshot's status.
    const garbage = Buffer.alloc(64 * 1024, 'not an etcd snapshot ');
    const unreadable = etcdutlRefusal('status', writeFile('garbage.db', garbage));
    await upload(cp1.address, garbage);
    await admin(cp1.address).unary('Bootstrap', { recoverEtcd: true });
    await eventually(async () => {
      expect(await etcdService(cp1.address)).toMatchObject({
        state: 'Failed',
        message: `Failed to run pre stage: error verifying snapshot: ${unreadable}`,
      });
    }, 30_000);
    expect(cluster()?.apiAvailable).toBe(false);
  }, 60_000);

  it('EtcdRecover + Bootstrap{recover_etcd} bring the data back; the other control planes rejoin', async () => {
    const started = Date.now();
    await upload(cp1.address, snapshot);
    await admin(cp1.address).unary('Bootstrap', { recoverEtcd: true });
    const restored = await eventually(() => core.readNamespacedConfigMap({ namespace, name: 'kept-by-the-backup' }), 60_000, 100);
    const recoveredMs = Date.now() - started;
    expect(restored.data).toEqual({ answer: '42' });
    await eventually(() => {
      expect(voters().sort()).toEqual(cps.map((c) => c.name));
    }, 30_000);
    expect(cluster()?.etcdClusters).toHaveLength(1);
    expect(await etcdService(cp2.address)).toMatchObject({ state: 'Running', healthy: true });
    expect(stack.talos.events.list({ type: 'etcd.recovered' })).toHaveLength(1);
    // etcd and kube-apiserver run again, and the accounting sees the new processes.
    expect(stack.kube.processIds()).toHaveLength(2);
    expect(stack.talos.processIds().sort()).toEqual(stack.kube.processIds().sort());
    console.info(`etcd recovery in the simulator: ${recoveredMs} ms from upload to the API answering with the data`);
    // Done once: the data directory is no longer empty.
    expect(await failure(admin(cp1.address).unary('Bootstrap', { recoverEtcd: true }))).toEqual({
      code: status.ALREADY_EXISTS,
      details: 'etcd data directory is not empty',
    });
  }, 120_000);

  it('recover_skip_hash_check restores a bare db without the trailer (a copy of a data dir), which a plain recovery refuses', async () => {
    await core.deleteNamespacedConfigMap({ namespace, name: 'kept-by-the-backup' });
    await loseEveryMembersData();
    const bare = snapshot.subarray(0, -32);
    await upload(cp1.address, bare);
    await eventually(() => admin(cp1.address).unary('Bootstrap', { recoverEtcd: true }));
    await eventually(async () => {
      expect(await etcdService(cp1.address)).toMatchObject({
        state: 'Failed',
        message: 'Failed to run pre stage: error recovering from the snapshot: snapshot missing hash but --skip-hash-check=false',
      });
    }, 30_000);
    await admin(cp1.address).unary('Bootstrap', { recoverEtcd: true, recoverSkipHashCheck: true });
    const restored = await eventually(() => core.readNamespacedConfigMap({ namespace, name: 'kept-by-the-backup' }), 60_000, 100);
    expect(restored.data).toEqual({ answer: '42' });
    await eventually(() => {
      expect(voters().sort()).toEqual(cps.map((c) => c.name));
    }, 30_000);
  }, 120_000);

  it('a control plane that lost only its own data rejoins in its own place: Talos removes its old member of the same name first', async () => {
    const before = (cluster()?.etcdMembers ?? []).find((m) => m.hostname === cp2.name);
    stack.talos.faults.etcdDataLost(cp2.address);
    expect(cluster()?.apiAvailable).toBe(true);
    await eventually(() => {
      const members = cluster()?.etcdMembers ?? [];
      expect(
        members
          .filter((m) => !m.learner)
          .map((m) => m.hostname)
          .sort(),
      ).toEqual(cps.map((c) => c.name));
      expect(members.find((m) => m.hostname === cp2.name)?.id).not.toBe(before?.id);
    }, 30_000);
    expect(cluster()?.etcdMembers).toHaveLength(3);
  }, 60_000);

  it('a plain Bootstrap after quorum was lost for good starts an empty etcd: the API answers without the old objects', async () => {
    await loseEveryMembersData();
    await eventually(() => admin(cp1.address).unary('Bootstrap'));
    await eventually(
      async () => {
        expect(cluster()?.apiAvailable).toBe(true);
        expect(await failure(core.readNamespacedConfigMap({ namespace, name: 'kept-by-the-backup' }))).toMatchObject({ code: 404 });
      },
      60_000,
      100,
    );
    expect(cluster()?.etcdClusters).toHaveLength(1);
    await eventually(() => {
      expect(voters().sort()).toEqual(cps.map((c) => c.name));
    }, 30_000);
  }, 120_000);
});
