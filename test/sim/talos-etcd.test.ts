// Simulated etcd: bootstrap exactly once, joins as learners, membership RPCs, the legacy
// upgrade guard, quorum loss taking the Kubernetes API down, and the split brain a second
// Bootstrap on a not-yet-joined control plane creates.
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import {
  AdminClients,
  applyInMaintenance,
  createVm,
  decodeWire,
  eventually,
  failure,
  machineConfig,
  newBundle,
  startTalosStack,
  vmPower,
  wireBytes,
} from './talos-helpers.ts';
import type { Message, TalosStack, TestTalosClient } from './talos-helpers.ts';

const net = '127.0.202';
const vip = `${net}.10`;
const endpoint = `https://${vip}:6443`;
const cps = [1, 2, 3].map((i) => ({ vmid: 210 + i, name: `etcd-cp-${i}`, address: `${net}.${10 + i}` }));
const worker = { vmid: 221, name: 'etcd-w-1', address: `${net}.21` };
const [cp1, cp2, cp3] = cps as [(typeof cps)[0], (typeof cps)[0], (typeof cps)[0]];
let stack: TalosStack;
let bundle: SecretsBundle;
const admins = new AdminClients();
const admin = (address: string): TestTalosClient => admins.get(address);
type Member = { id: string; hostname: string; peerUrls: string[]; clientUrls: string[]; isLearner: boolean };
const members = async (address: string, queryLocal = false): Promise<Member[]> =>
  ((await admin(address).unary('EtcdMemberList', { queryLocal })).messages?.[0]?.['members'] ?? []) as Member[];
const cluster = () => stack.talos.clusters()[0];
const apiAnswers = (): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(6443, vip, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => {
      resolve(false);
    });
  });

async function configure(vm: { vmid: number; name: string; address: string }, type: 'controlplane' | 'worker'): Promise<void> {
  await createVm(stack.proxmox, vm);
  const data = Buffer.from(machineConfig(bundle, { type, cluster: 'etcd', endpoint, hostname: vm.name, address: vm.address }));
  admins.set(vm.address, await applyInMaintenance(stack, vm, data, bundle));
}

beforeAll(async () => {
  // A join takes 1 s here, long enough to bootstrap a second, unjoined control plane on purpose.
  [stack, bundle] = await Promise.all([startTalosStack('etcd', { timing: { etcdJoin: 100_000, learnerPromotion: 50_000 } }), newBundle()]);
  await Promise.all([...cps.map((vm) => configure(vm, 'controlplane')), configure(worker, 'worker')]);
});
afterAll(async () => {
  admins.closeAll();
  await stack.stop();
});

describe('bootstrap', () => {
  it('succeeds exactly once, on one control plane; again → ALREADY_EXISTS', async () => {
    await eventually(() => admin(cp1.address).unary('Bootstrap'));
    expect(await failure(admin(cp1.address).unary('Bootstrap'))).toEqual({
      code: status.ALREADY_EXISTS,
      details: 'etcd data directory is not empty',
    });
    expect(await failure(admin(worker.address).unary('Bootstrap'))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'bootstrap can only be performed on a control plane node',
    });
    expect(stack.talos.events.list({ type: 'etcd.bootstrapped' })).toEqual([
      expect.objectContaining({ address: cp1.address, cluster: 'etcd' }),
    ]);
    expect(cluster()).toMatchObject({ name: 'etcd', bootstrapped: true, quorum: true, endpoint });
  });

  it('lets the other control planes join as learners, promoted later', async () => {
    await eventually(async () => {
      const list = await members(cp1.address);
      expect(list.map((m) => [m.hostname, m.isLearner]).sort()).toEqual(cps.map((vm) => [vm.name, false]));
    });
    const added = stack.talos.events.list({ type: 'etcd.member-added' });
    expect(added.map((e) => [e.hostname, e.detail?.['learner']]).sort()).toEqual([
      [cp2.name, true],
      [cp3.name, true],
    ]);
    expect(stack.talos.events.list({ type: 'etcd.member-promoted' })).toHaveLength(2);
    // Both came up at once, but etcd admits one learner at a time (--max-learners 1): the second
    // was refused until the first was promoted, and tried again.
    const order = stack.talos.events.list({ type: ['etcd.member-added', 'etcd.member-promoted', 'etcd.join-refused'] });
    const refused = order.filter((e) => e.type === 'etcd.join-refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.detail?.['reason']).toMatch(/too many learner members in cluster/);
    const learnersAlongTheWay = order.reduce<number[]>((counts, e) => {
      const last = counts.at(-1) ?? 0;
      return [...counts, e.type === 'etcd.member-added' ? last + 1 : e.type === 'etcd.member-promoted' ? last - 1 : last];
    }, []);
    expect(Math.max(...learnersAlongTheWay)).toBe(1);
    const cp2Member = (await members(cp1.address)).find((m) => m.hostname === cp2.name);
    expect(cp2Member).toMatchObject({ peerUrls: [`https://${cp2.address}:2380`], clientUrls: [`https://${cp2.address}:2379`] });
    expect(BigInt(cp2Member?.id ?? '0')).toBeGreaterThan(0n);
    expect(await failure(admin(cp2.address).unary('Bootstrap'))).toEqual({
      code: status.ALREADY_EXISTS,
      details: 'etcd data directory is not empty',
    });
  });

  it('encodes EtcdMemberList with upstream field numbers (members=3, id=2 varint, hostname=3, peer_urls=4)', async () => {
    const reply = decodeWire(await admin(cp1.address).raw('EtcdMemberList', Buffer.alloc(0)));
    const first = decodeWire(wireBytes(decodeWire(wireBytes(reply, 1)), 3));
    expect(typeof first.find((f) => f.field === 2)?.value).toBe('bigint');
    expect(cps.map((vm) => vm.name)).toContain(wireBytes(first, 3).toString());
    expect(wireBytes(first, 4).toString()).toMatch(/^https:\/\/127\.0\.202\.1\d:2380$/);
  });

  it('starts a real kube-apiserver reachable at the control-plane endpoint', async () => {
    await eventually(
      () => {
        expect(cluster()?.apiAvailable).toBe(true);
      },
      150_000,
      200,
    );
    expect(await apiAnswers()).toBe(true);
  }, 160_000);
});

describe('membership', () => {
  it('forfeits leadership to another member and names it', async () => {
    const leader = cluster()?.etcdMembers.find((m) => m.leader);
    const follower = cluster()?.etcdMembers.find((m) => !m.leader);
    expect((await admin(follower?.address ?? '').unary('EtcdForfeitLeadership')).messages?.[0]).toMatchObject({ member: '' });
    const reply = await admin(leader?.address ?? '').unary('EtcdForfeitLeadership');
    const next = reply.messages?.[0]?.['member'];
    expect(next).not.toBe(leader?.hostname);
    expect(cluster()?.etcdMembers.find((m) => m.leader)?.hostname).toBe(next);
  });

  it('the legacy Upgrade refuses while a member is unhealthy, unless forced', async () => {
    stack.talos.faults.etcdMemberUnhealthy(cp3.address);
    const refused = await failure(admin(cp1.address).unary('Upgrade', { image: 'ghcr.io/siderolabs/installer:v1.11.3' }));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(refused.details).toMatch(
      /^error validating etcd for upgrade: etcd member [0-9a-f]{16} is not healthy; all members must be healthy to perform an upgrade/,
    );
    stack.talos.faults.etcdMemberUnhealthy(cp3.address, false);
  });

  it('streams the real etcd snapshot in chunks (control planes only)', async () => {
    const chunks = await admin(cp1.address).stream('EtcdSnapshot');
    const snapshot = Buffer.concat(chunks.map((c) => c['bytes'] as Buffer));
    // etcd sends its snapshot 32 KiB at a time; the stream passes the chunks on.
    expect(chunks.length).toBeGreaterThan(1);
    expect(Math.max(...chunks.map((c) => (c['bytes'] as Buffer).length))).toBeLessThanOrEqual(32 * 1024);
    // A bbolt db (magic 0xED0CDAED in its first meta page) followed by etcd's sha256 trailer.
    expect(snapshot.readUInt32LE(16)).toBe(0xed0cdaed);
    expect(snapshot.subarray(-32)).toEqual(createHash('sha256').update(snapshot.subarray(0, -32)).digest());
    expect(await failure(admin(worker.address).stream('EtcdSnapshot'))).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'etcd snapshot is only available on control plane nodes',
    });
  });

  it('removes by id: unknown ids are NOT_FOUND', async () => {
    expect(await failure(admin(cp1.address).unary('EtcdRemoveMemberByID', { memberId: '12345' }))).toEqual({
      code: status.NOT_FOUND,
      details: 'etcdserver: member not found',
    });
  });

  it('leaves the cluster; with two members left the legacy Upgrade refuses unless forced', async () => {
    await admin(cp3.address).unary('EtcdLeaveCluster');
    expect((await members(cp1.address)).map((m) => m.hostname).sort()).toEqual([cp1.name, cp2.name]);
    expect(stack.talos.events.list({ type: 'etcd.member-left' })).toEqual([expect.objectContaining({ hostname: cp3.name })]);
    expect((await failure(admin(cp3.address).unary('EtcdLeaveCluster'))).code).toBe(status.UNAVAILABLE);
    const services = ((await admin(cp3.address).unary('ServiceList')).messages?.[0]?.['services'] ?? []) as Message[];
    expect(services.find((s) => s['id'] === 'etcd')).toMatchObject({ state: 'Finished' });
    expect(await failure(admin(cp1.address).unary('Upgrade', { image: 'ghcr.io/siderolabs/installer:v1.11.3' }))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'error validating etcd for upgrade: etcd member count(2) is insufficient to maintain quorum if upgrade commences',
    });
  });

  it('a forced upgrade with two members loses quorum while the node reboots', async () => {
    const lost = stack.talos.events.list({ type: 'etcd.quorum-lost' }).length;
    const reply = await admin(cp1.address).unary('Upgrade', { image: 'ghcr.io/siderolabs/installer:v1.11.3', force: true });
    expect(reply.messages?.[0]).toMatchObject({ ack: 'Upgrade request received' });
    expect(stack.talos.events.list({ type: 'etcd.quorum-lost' })).toHaveLength(lost + 1);
    await eventually(() => {
      expect(cluster()?.quorum).toBe(true);
    });
    expect((await eventually(() => admin(cp1.address).unary('Version'))).messages?.[0]).toMatchObject({ version: { tag: 'v1.11.3' } });
  });

  it('a node that left joins again after a reboot; a destroyed member is removed by id', async () => {
    await admin(cp3.address).unary('Reboot');
    // A reboot and rejoin take a few seconds alone, but well over 20 s while the whole suite loads 2 cores.
    await eventually(async () => {
      expect((await members(cp1.address)).filter((m) => !m.isLearner)).toHaveLength(3);
    }, 45_000);
    const gone = (await members(cp1.address)).find((m) => m.hostname === cp3.name);
    await vmPower(stack.proxmox, cp3.vmid, 'stop');
    await vmPower(stack.proxmox, cp3.vmid, 'destroy');
    expect(cluster()?.quorum).toBe(true);
    await admin(cp1.address).unary('EtcdRemoveMemberByID', { memberId: gone?.id });
    expect((await members(cp2.address)).map((m) => m.hostname).sort()).toEqual([cp1.name, cp2.name]);
    expect(stack.talos.events.list({ type: 'etcd.member-removed' }).at(-1)).toMatchObject({ hostname: cp3.name });
  });
});

describe('quorum', () => {
  it('is lost when a member of two goes away: etcd refuses, the Kubernetes API stops answering', async () => {
    await eventually(() => {
      expect(cluster()?.apiAvailable).toBe(true);
    });
    const apiDown = stack.talos.events.list({ type: 'k8s.api-down' }).length;
    await vmPower(stack.proxmox, cp2.vmid, 'stop');
    expect(cluster()).toMatchObject({ quorum: false, apiAvailable: false });
    expect(await failure(members(cp1.address))).toEqual({ code: status.UNAVAILABLE, details: 'etcdserver: no leader' });
    expect((await members(cp1.address, true)).map((m) => m.hostname).sort()).toEqual([cp1.name, cp2.name]);
    expect(await failure(admin(cp1.address).unary('EtcdForfeitLeadership'))).toEqual({
      code: status.UNAVAILABLE,
      details: 'etcdserver: no leader',
    });
    expect(stack.talos.events.list({ type: 'etcd.quorum-lost' }).at(-1)).toMatchObject({
      cluster: 'etcd',
      detail: expect.objectContaining({ unreachable: cp2.name }) as unknown,
    });
    expect(stack.talos.events.list({ type: 'k8s.api-down' })).toHaveLength(apiDown + 1);
    await eventually(async () => {
      expect(await apiAnswers()).toBe(false);
    });
  });

  it('comes back with the member, and so does the API', async () => {
    await vmPower(stack.proxmox, cp2.vmid, 'start');
    await eventually(() => {
      expect(cluster()).toMatchObject({ quorum: true, apiAvailable: true });
    });
    // The member that was cut off left its shared-IP election key behind: the endpoint answers
    // once that key's lease has expired and the next control plane holds the VIP.
    await eventually(async () => {
      expect(await apiAnswers()).toBe(true);
    });
    expect(stack.talos.events.list({ type: 'etcd.quorum-restored' }).at(-1)).toMatchObject({ cluster: 'etcd' });
  });
});

describe('split brain', () => {
  it('a Bootstrap on a control plane that has not joined yet creates a second etcd cluster, recorded as split brain', async () => {
    const cp4 = { vmid: 214, name: 'etcd-cp-4', address: `${net}.14` };
    await configure(cp4, 'controlplane');
    await eventually(() => admin(cp4.address).unary('Bootstrap'), 5_000, 10);
    expect(cluster()?.etcdClusters).toHaveLength(2);
    expect(stack.talos.events.list({ type: 'etcd.split-brain' })).toEqual([
      expect.objectContaining({ address: cp4.address, detail: expect.objectContaining({ etcdClusters: 2 }) as unknown }),
    ]);
    expect((await members(cp4.address)).map((m) => m.hostname)).toEqual([cp4.name]);
  });
});
