// Guards wire compatibility with real Talos: Capstan's own .proto files must put every field on
// the number and wire type of siderolabs/talos api/{common,machine}/*.proto. The messages are
// encoded with the client's own serializers and read back tag by tag with protobufjs, and
// replies are hand-built with protobufjs' Writer the way a Talos node would send them.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { method } from '../../../activities/talos/machine-api/proto-definitions.ts';
import type { TalosService } from '../../../activities/talos/machine-api/proto-definitions.ts';

type Field = readonly [field: number, wireType: number, value: string | Buffer];

/** Every top-level field of a message: number, wire type, and value (varints as decimal). */
function fields(bytes: Buffer): Field[] {
  const reader = protobuf.Reader.create(bytes);
  const out: Field[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    if (wireType === 0) out.push([tag >>> 3, 0, unsigned(reader.uint64())]);
    else if (wireType === 2) out.push([tag >>> 3, 2, Buffer.from(reader.bytes())]);
    else throw new Error(`unexpected wire type ${wireType}`);
  }
  return out;
}

// protobufjs yields a Long ({low, high}) when the long package is present, else a number.
function unsigned(value: protobuf.Long | number): string {
  if (typeof value === 'number') return String(value);
  return ((BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)).toString();
}

const field = (bytes: Buffer, number: number) => fields(bytes).find(([n]) => n === number)?.[2];
const encode = (service: TalosService, name: string, request: object) => method(service, name).requestSerialize(request);
const decode = (service: TalosService, name: string, bytes: Uint8Array) => method(service, name).responseDeserialize(Buffer.from(bytes));
const machine = 'machine.MachineService';

describe('requests on the wire', () => {
  it('ApplyConfigurationRequest: data=1, mode=4 (AUTO=1), dry_run=5; 2 and 3 stay unused', () => {
    const bytes = encode(machine, 'ApplyConfiguration', { data: Buffer.from('version: v1alpha1'), mode: 'AUTO', dryRun: true });
    expect(fields(bytes)).toEqual([
      [1, 2, Buffer.from('version: v1alpha1')],
      [4, 0, '1'],
      [5, 0, '1'],
    ]);
    expect(field(encode(machine, 'ApplyConfiguration', { data: Buffer.alloc(1), mode: 'TRY' }), 4)).toBe('4');
    expect(field(encode(machine, 'ApplyConfiguration', { data: Buffer.alloc(1), mode: 'STAGED' }), 4)).toBe('3');
  });

  it('ApplyConfigurationRequest.try_mode_timeout is a Duration on field 6', () => {
    const bytes = encode(machine, 'ApplyConfiguration', { data: Buffer.alloc(1), mode: 'TRY', tryModeTimeout: { seconds: 90 } });
    expect(fields(field(bytes, 6) as Buffer)).toEqual([[1, 0, '90']]);
  });

  it('EtcdRemoveMemberByIDRequest.member_id is uint64 field 1, exact beyond 2^53', () => {
    const id = '18446744073709551557';
    expect(fields(encode(machine, 'EtcdRemoveMemberByID', { memberId: id }))).toEqual([[1, 0, id]]);
  });

  it('EtcdMemberListRequest.query_local=1, BootstrapRequest recover_etcd=1 / recover_skip_hash_check=2', () => {
    expect(fields(encode(machine, 'EtcdMemberList', { queryLocal: true }))).toEqual([[1, 0, '1']]);
    expect(fields(encode(machine, 'Bootstrap', { recoverEtcd: true, recoverSkipHashCheck: true }))).toEqual([
      [1, 0, '1'],
      [2, 0, '1'],
    ]);
  });

  it('UpgradeRequest: image=1, preserve=2, stage=3, force=4, reboot_mode=5 (POWERCYCLE=1)', () => {
    const bytes = encode(machine, 'Upgrade', {
      image: 'ghcr.io/siderolabs/installer:v1.12.4',
      preserve: true,
      stage: true,
      force: true,
      rebootMode: 'POWERCYCLE',
    });
    expect(fields(bytes)).toEqual([
      [1, 2, Buffer.from('ghcr.io/siderolabs/installer:v1.12.4')],
      [2, 0, '1'],
      [3, 0, '1'],
      [4, 0, '1'],
      [5, 0, '1'],
    ]);
  });

  it('RebootRequest.mode=1 and ResetRequest graceful=1, reboot=2, partitions=3 {label=1, wipe=2}, user disks=4, mode=5', () => {
    expect(fields(encode(machine, 'Reboot', { mode: 'POWERCYCLE' }))).toEqual([[1, 0, '1']]);
    const reset = encode(machine, 'Reset', {
      graceful: true,
      reboot: true,
      systemPartitionsToWipe: [{ label: 'STATE', wipe: true }],
      userDisksToWipe: ['/dev/sdb'],
      mode: 'USER_DISKS',
    });
    expect(fields(reset).map(([n, w]) => [n, w])).toEqual([
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 2],
      [5, 0],
    ]);
    expect(fields(field(reset, 3) as Buffer)).toEqual([
      [1, 2, Buffer.from('STATE')],
      [2, 0, '1'],
    ]);
    expect(field(reset, 5)).toBe('2');
  });

  it('LifecycleService.Upgrade and ImageService.Pull: containerd=1 {driver=1, namespace=2}, source=2 {image_name=1}, image_ref=3', () => {
    const containerd = { driver: 'CRI', namespace: 'NS_SYSTEM' };
    const upgrade = encode('machine.LifecycleService', 'Upgrade', { containerd, source: { imageName: 'installer:v1.13.0' } });
    expect(fields(field(upgrade, 1) as Buffer)).toEqual([
      [1, 0, '1'],
      [2, 0, '1'],
    ]);
    expect(fields(field(upgrade, 2) as Buffer)).toEqual([[1, 2, Buffer.from('installer:v1.13.0')]]);
    const pull = encode('machine.ImageService', 'Pull', { containerd, imageRef: 'installer:v1.13.0' });
    expect(fields(pull).map(([n]) => n)).toEqual([1, 3]);
  });

  it('calls the paths Talos serves', () => {
    expect(method(machine, 'EtcdRemoveMemberByID').path).toBe('/machine.MachineService/EtcdRemoveMemberByID');
    expect(method(machine, 'Kubeconfig').responseStream).toBe(true);
    expect(method('machine.LifecycleService', 'Upgrade').path).toBe('/machine.LifecycleService/Upgrade');
    expect(method('machine.ImageService', 'Pull').path).toBe('/machine.ImageService/Pull');
  });
});

/** `common.Metadata { hostname = 1; error = 2; google.rpc.Status status = 3 { code = 1; message = 2 } }`. */
function metadata(writer: protobuf.Writer, hostname: string, error?: { code: number; message: string }): protobuf.Writer {
  writer
    .fork()
    .uint32((1 << 3) | 2)
    .string(hostname);
  if (error) {
    writer.uint32((2 << 3) | 2).string(error.message);
    writer
      .uint32((3 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 0)
      .int32(error.code)
      .uint32((2 << 3) | 2)
      .string(error.message)
      .ldelim();
  }
  return writer.ldelim();
}

describe('replies from the wire', () => {
  it('EtcdMember: id=2 (uint64), hostname=3, peer_urls=4, client_urls=5, is_learner=6 inside EtcdMembers.members=3', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // EtcdMemberListResponse.messages
    metadata(w.uint32((1 << 3) | 2), '10.0.0.2');
    w.uint32((3 << 3) | 2)
      .fork() // EtcdMembers.members
      .uint32((2 << 3) | 0)
      .uint64('18446744073709551557')
      .uint32((3 << 3) | 2)
      .string('cp-1')
      .uint32((4 << 3) | 2)
      .string('https://10.0.0.2:2380')
      .uint32((5 << 3) | 2)
      .string('https://10.0.0.2:2379')
      .uint32((6 << 3) | 0)
      .bool(true)
      .ldelim();
    w.ldelim();
    expect(decode(machine, 'EtcdMemberList', w.finish())).toMatchObject({
      messages: [
        {
          metadata: { hostname: '10.0.0.2', error: '' },
          members: [
            {
              id: '18446744073709551557',
              hostname: 'cp-1',
              peerUrls: ['https://10.0.0.2:2380'],
              clientUrls: ['https://10.0.0.2:2379'],
              isLearner: true,
            },
          ],
        },
      ],
    });
  });

  it('EtcdStatus: member_status=2 {member_id=10, protocol_version=1, leader=4, raft_index=5, errors=8, is_learner=9}', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // EtcdStatusResponse.messages
    w.uint32((2 << 3) | 2)
      .fork() // EtcdStatus.member_status
      .uint32((1 << 3) | 2)
      .string('3.5.0')
      .uint32((4 << 3) | 0)
      .uint64('18446744073709551557')
      .uint32((5 << 3) | 0)
      .uint64(42)
      .uint32((8 << 3) | 2)
      .string('etcdserver: no leader')
      .uint32((9 << 3) | 0)
      .bool(true)
      .uint32((10 << 3) | 0)
      .uint64('18446744073709551557')
      .ldelim();
    w.ldelim();
    expect(decode(machine, 'EtcdStatus', w.finish())).toMatchObject({
      messages: [
        {
          memberStatus: {
            memberId: '18446744073709551557',
            protocolVersion: '3.5.0',
            leader: '18446744073709551557',
            raftIndex: '42',
            errors: ['etcdserver: no leader'],
            isLearner: true,
          },
        },
      ],
    });
    expect(method(machine, 'EtcdStatus').path).toBe('/machine.MachineService/EtcdStatus');
  });

  it('a failed node in a fan-out reply: metadata.error=2 and status=3 {code=1, message=2}', () => {
    const w = protobuf.Writer.create();
    metadata(
      w
        .uint32((1 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 2),
      '10.0.0.3',
      { code: 9, message: 'bootstrap is not available yet' },
    ).ldelim();
    expect(decode(machine, 'Bootstrap', w.finish())).toEqual({
      messages: [
        {
          metadata: {
            hostname: '10.0.0.3',
            error: 'bootstrap is not available yet',
            status: { code: 9, message: 'bootstrap is not available yet', details: [] },
          },
        },
      ],
    });
  });

  it('Version: version=2 {tag=1, sha=2}, platform=3 {name=1, mode=2}; Reboot/Reset actor_id=2; Upgrade ack=2, actor_id=3', () => {
    const version = protobuf.Writer.create();
    version
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('v1.12.4')
      .uint32((2 << 3) | 2)
      .string('abc')
      .ldelim()
      .uint32((3 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('nocloud')
      .uint32((2 << 3) | 2)
      .string('cloud')
      .ldelim()
      .ldelim();
    expect(decode(machine, 'Version', version.finish())).toMatchObject({
      messages: [{ version: { tag: 'v1.12.4', sha: 'abc' }, platform: { name: 'nocloud', mode: 'cloud' } }],
    });
    const reboot = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .string('actor-1')
      .ldelim()
      .finish();
    expect(decode(machine, 'Reboot', reboot)).toMatchObject({ messages: [{ actorId: 'actor-1' }] });
    const upgrade = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .string('Upgrade request received')
      .uint32((3 << 3) | 2)
      .string('actor-2')
      .ldelim()
      .finish();
    expect(decode(machine, 'Upgrade', upgrade)).toMatchObject({ messages: [{ ack: 'Upgrade request received', actorId: 'actor-2' }] });
  });

  it('ApplyConfiguration reply: warnings=2, mode=3, mode_details=4; ServiceInfo id=1, state=2, health=4 {healthy=2}', () => {
    const apply = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .string('w1')
      .uint32((3 << 3) | 0)
      .int32(2)
      .uint32((4 << 3) | 2)
      .string('Applied without a reboot')
      .ldelim()
      .finish();
    expect(decode(machine, 'ApplyConfiguration', apply)).toMatchObject({
      messages: [{ warnings: ['w1'], mode: 'NO_REBOOT', modeDetails: 'Applied without a reboot' }],
    });
    const services = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('etcd')
      .uint32((2 << 3) | 2)
      .string('Running')
      .uint32((4 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 0)
      .bool(true)
      .ldelim()
      .ldelim()
      .ldelim()
      .finish();
    expect(decode(machine, 'ServiceList', services)).toMatchObject({
      messages: [{ services: [{ id: 'etcd', state: 'Running', health: { healthy: true } }] }],
    });
  });

  it('EtcdRecover: a client stream of common.Data bytes=2; EtcdRecoverResponse messages=1 {metadata=1}; ServiceEvent msg=1, state=2, ts=3', () => {
    const recover = method(machine, 'EtcdRecover');
    expect(recover).toMatchObject({ path: '/machine.MachineService/EtcdRecover', requestStream: true, responseStream: false });
    expect(fields(recover.requestSerialize({ bytes: Buffer.from([7, 8]) }))).toEqual([[2, 2, Buffer.from([7, 8])]]);
    const reply = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2);
    metadata(reply, 'cp-1').ldelim();
    expect(decode(machine, 'EtcdRecover', reply.finish())).toMatchObject({ messages: [{ metadata: { hostname: 'cp-1' } }] });
    const failed = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('etcd')
      .uint32((2 << 3) | 2)
      .string('Failed')
      .uint32((3 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('Failed to run pre stage: error recovering from the snapshot')
      .uint32((2 << 3) | 2)
      .string('Failed')
      .uint32((3 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 0)
      .int64(1764950400)
      .ldelim()
      .ldelim()
      .ldelim()
      .ldelim()
      .ldelim()
      .finish();
    expect(decode(machine, 'ServiceList', failed)).toMatchObject({
      messages: [
        {
          services: [
            {
              id: 'etcd',
              state: 'Failed',
              events: {
                events: [
                  { msg: 'Failed to run pre stage: error recovering from the snapshot', state: 'Failed', ts: { seconds: '1764950400' } },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('streams: common.Data bytes=2; LifecycleServiceUpgradeResponse progress=1 {message=1 | exit_code=2}; EtcdForfeitLeadership member=2', () => {
    const data = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(Buffer.from([1, 2, 3]))
      .finish();
    expect(decode(machine, 'Kubeconfig', data)).toMatchObject({ bytes: Buffer.from([1, 2, 3]) });
    const progress = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 0)
      .int32(1)
      .ldelim()
      .finish();
    expect(decode('machine.LifecycleService', 'Upgrade', progress)).toMatchObject({ progress: { response: 'exitCode', exitCode: 1 } });
    const pulled = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('ghcr.io/siderolabs/installer:v1.13.0')
      .finish();
    expect(decode('machine.ImageService', 'Pull', pulled)).toMatchObject({
      response: 'name',
      name: 'ghcr.io/siderolabs/installer:v1.13.0',
    });
    const forfeit = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .string('cp-2')
      .ldelim()
      .finish();
    expect(decode(machine, 'EtcdForfeitLeadership', forfeit)).toMatchObject({ messages: [{ member: 'cp-2' }] });
  });
});
