// MachineService.EtcdStatus as Talos serves it: the local member's maintenance Status (works
// without quorum, reports "etcdserver: no leader" instead), control planes only, fan-out with
// `nodes`, readers and etcd backups may call it, a node with no etcd listening makes the caller
// wait until its deadline, and a member faulted unhealthy reports that it lost the leader.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import {
  AdminClients,
  applyInMaintenance,
  clientCredentials,
  createVm,
  decodeWire,
  eventually,
  failure,
  machineConfig,
  newBundle,
  startTalosStack,
  TestTalosClient,
  vmPower,
  wireBytes,
} from './talos-helpers.ts';
import type { TalosStack } from './talos-helpers.ts';

const net = '127.0.205';
const endpoint = `https://${net}.10:6443`;
const cps = [1, 2, 3].map((i) => ({ vmid: 310 + i, name: `status-cp-${i}`, address: `${net}.${10 + i}` }));
const worker = { vmid: 321, name: 'status-w-1', address: `${net}.21` };
const [cp1, cp2, cp3] = cps as [(typeof cps)[0], (typeof cps)[0], (typeof cps)[0]];
let stack: TalosStack;
let bundle: SecretsBundle;
const admins = new AdminClients();
const admin = (address: string): TestTalosClient => admins.get(address);

/** EtcdMemberStatus as proto-loader decodes it (uint64/int64 as strings). */
interface MemberStatus {
  memberId: string;
  protocolVersion: string;
  storageVersion: string;
  dbSize: string;
  dbSizeInUse: string;
  leader: string;
  raftIndex: string;
  raftTerm: string;
  raftAppliedIndex: string;
  errors: string[];
  isLearner: boolean;
}
const statusOf = async (address: string, deadlineMs?: number): Promise<MemberStatus> =>
  (await admin(address).unary('EtcdStatus', {}, {}, deadlineMs)).messages?.[0]?.['memberStatus'] as MemberStatus;
const memberIds = async (): Promise<Map<string, string>> => {
  const members = ((await admin(cp1.address).unary('EtcdMemberList')).messages?.[0]?.['members'] ?? []) as {
    id: string;
    hostname: string;
  }[];
  return new Map(members.map((m) => [m.hostname, m.id]));
};
const cluster = () => stack.talos.clusters()[0];

async function configure(vm: { vmid: number; name: string; address: string }, type: 'controlplane' | 'worker'): Promise<void> {
  await createVm(stack.proxmox, vm);
  const data = Buffer.from(machineConfig(bundle, { type, cluster: 'status', endpoint, hostname: vm.name, address: vm.address }));
  admins.set(vm.address, await applyInMaintenance(stack, vm, data, bundle));
}

beforeAll(async () => {
  // Promotion takes 1.5 s here: long enough to see a learner's status between grpc-js reconnect attempts.
  [stack, bundle] = await Promise.all([startTalosStack('etcd-status', { timing: { learnerPromotion: 150_000 } }), newBundle()]);
  await Promise.all([...cps.map((vm) => configure(vm, 'controlplane')), configure(worker, 'worker')]);
  await eventually(() => admin(cp1.address).unary('Bootstrap'));
  await eventually(async () => {
    expect((await memberIds()).size).toBe(3);
    expect(cluster()?.etcdMembers.every((m) => !m.learner)).toBe(true);
  }, 20_000);
});
afterAll(async () => {
  admins.closeAll();
  await stack.stop();
});

describe('a healthy cluster', () => {
  it('each control plane answers for its own member: id, the common leader, term, versions of the etcd Talos 1.11 runs', async () => {
    const ids = await memberIds();
    const statuses = await Promise.all(cps.map((vm) => statusOf(vm.address)));
    expect(statuses.map((s) => s.memberId)).toEqual(cps.map((vm) => ids.get(vm.name)));
    const leader = cluster()?.etcdMembers.find((m) => m.leader)?.id;
    for (const s of statuses) {
      expect(s).toMatchObject({ leader, errors: [], isLearner: false, protocolVersion: '3.6.4', storageVersion: '3.6.0' });
      expect(BigInt(s.raftTerm)).toBeGreaterThanOrEqual(2n);
      expect(BigInt(s.raftIndex)).toBeGreaterThan(0n);
      expect(BigInt(s.dbSize)).toBeGreaterThan(BigInt(s.dbSizeInUse));
    }
  });

  it('fans out with `nodes` (each reply tagged with its target) and forwards one-to-one with `node`', async () => {
    const ids = await memberIds();
    const reply = await admin(cp1.address).unary('EtcdStatus', {}, { nodes: cps.map((vm) => vm.address) });
    expect(
      reply.messages?.map((m) => [(m['metadata'] as { hostname: string }).hostname, (m['memberStatus'] as MemberStatus).memberId]),
    ).toEqual(cps.map((vm) => [vm.address, ids.get(vm.name)]));
    const forwarded = await admin(cp1.address).unary('EtcdStatus', {}, { node: cp2.address });
    expect(forwarded.messages).toHaveLength(1);
    expect(forwarded.messages?.[0]?.['metadata']).toBeNull();
    expect((forwarded.messages?.[0]?.['memberStatus'] as MemberStatus).memberId).toBe(ids.get(cp2.name));
  });

  it('encodes EtcdStatusResponse with upstream field numbers (member_status=2; member_id=10, protocol_version=1, leader=4, raft_term=6, storage_version=11)', async () => {
    const ids = await memberIds();
    const reply = decodeWire(await admin(cp2.address).raw('EtcdStatus', Buffer.alloc(0)));
    const member = decodeWire(wireBytes(decodeWire(wireBytes(reply, 1)), 2));
    const varint = (field: number) => member.find((f) => f.field === field && f.wireType === 0)?.value;
    expect(varint(10)).toBe(BigInt(ids.get(cp2.name) ?? '0'));
    expect(wireBytes(member, 1).toString()).toBe('3.6.4');
    expect(wireBytes(member, 11).toString()).toBe('3.6.0');
    expect(varint(4)).toBe(BigInt(cluster()?.etcdMembers.find((m) => m.leader)?.id ?? '0'));
    expect(typeof varint(2)).toBe('bigint');
    expect(typeof varint(6)).toBe('bigint');
    // errors (8) is empty, so absent; is_learner (9) is false (0 when protobufjs writes the default).
    expect(member.some((f) => f.field === 8)).toBe(false);
    expect(varint(9) ?? 0n).toBe(0n);
  });

  it('RBAC: os:reader and os:etcd:backup may read it (backup may also list members, not ask for the version)', async () => {
    const reader = new TestTalosClient(cp1.address, await clientCredentials(bundle, ['os:reader']));
    const backup = new TestTalosClient(cp1.address, await clientCredentials(bundle, ['os:etcd:backup']));
    try {
      expect((await reader.unary('EtcdStatus')).messages).toHaveLength(1);
      expect((await backup.unary('EtcdStatus')).messages).toHaveLength(1);
      expect((await backup.unary('EtcdMemberList')).messages?.[0]?.['members']).toHaveLength(3);
      expect(await failure(backup.unary('Version'))).toEqual({ code: status.PERMISSION_DENIED, details: 'not authorized' });
    } finally {
      reader.close();
      backup.close();
    }
  });

  it('is Unimplemented on a worker', async () => {
    expect(await failure(admin(worker.address).unary('EtcdStatus'))).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'etcd status is only available on control plane nodes',
    });
  });
});

describe('unhealthy members', () => {
  it('a member cut off by etcdMemberUnhealthy reports no leader; the others elect one without it', async () => {
    const termBefore = BigInt((await statusOf(cp1.address)).raftTerm);
    stack.talos.faults.etcdMemberUnhealthy(cp3.address);
    try {
      expect(await statusOf(cp3.address)).toMatchObject({ leader: '0', errors: ['etcdserver: no leader'] });
      const healthy = await statusOf(cp1.address);
      const ids = await memberIds();
      expect(healthy.errors).toEqual([]);
      expect([ids.get(cp1.name), ids.get(cp2.name)]).toContain(healthy.leader);
      expect(BigInt(healthy.raftTerm)).toBeGreaterThanOrEqual(termBefore);
      expect(stack.talos.events.list({ type: 'fault.injected' }).at(-1)).toMatchObject({
        address: cp3.address,
        detail: { fault: 'etcd-unhealthy', target: cp3.address },
      });
    } finally {
      stack.talos.faults.etcdMemberUnhealthy(cp3.address, false);
    }
    expect(await statusOf(cp3.address)).toMatchObject({ errors: [], leader: (await statusOf(cp1.address)).leader });
  });

  it('a control plane with no etcd running (it left) keeps the caller waiting until its deadline, alone or in a fan-out', async () => {
    await admin(cp3.address).unary('EtcdLeaveCluster');
    expect((await failure(statusOf(cp3.address, 300))).code).toBe(status.DEADLINE_EXCEEDED);
    const fanOut = admin(cp1.address).unary('EtcdStatus', {}, { nodes: [cp1.address, cp3.address] }, 300);
    expect((await failure(fanOut)).code).toBe(status.DEADLINE_EXCEEDED);
  });

  it('after a reboot it joins again and reports itself a learner until promoted', async () => {
    await admin(cp3.address).unary('Reboot');
    const learner = await eventually(
      () => statusOf(cp3.address, 1_000).then((s) => (s.isLearner ? s : Promise.reject(new Error('voter')))),
      20_000,
      10,
    );
    expect(learner.errors).toEqual([]);
    await eventually(async () => {
      expect((await statusOf(cp3.address)).isLearner).toBe(false);
    }, 20_000);
  });
});

describe('without quorum', () => {
  it('the survivor still answers (leader 0, "etcdserver: no leader") while cluster-wide reads fail', async () => {
    await vmPower(stack.proxmox, cp2.vmid, 'stop');
    await vmPower(stack.proxmox, cp3.vmid, 'stop');
    expect(cluster()?.quorum).toBe(false);
    expect(await statusOf(cp1.address)).toMatchObject({ leader: '0', errors: ['etcdserver: no leader'], isLearner: false });
    expect(await failure(admin(cp1.address).unary('EtcdMemberList'))).toEqual({
      code: status.UNAVAILABLE,
      details: 'etcdserver: no leader',
    });
  });

  it('elects a leader in a new term once a majority is back', async () => {
    const term = BigInt((await statusOf(cp1.address)).raftTerm);
    await vmPower(stack.proxmox, cp2.vmid, 'start');
    const back = await eventually(async () => {
      const s = await statusOf(cp1.address);
      expect(s.errors).toEqual([]);
      return s;
    }, 20_000);
    expect(back.leader).not.toBe('0');
    expect(BigInt(back.raftTerm)).toBeGreaterThan(term);
  });
});
