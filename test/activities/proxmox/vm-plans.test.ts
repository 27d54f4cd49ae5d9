import { describe, expect, it } from 'vitest';
import { MachineVmSpec, type MachineVmSpecInput } from '../../../api/proxmox.ts';
import { pickNode } from '../../../activities/proxmox/choose-node.ts';
import { planDiskResize, planVmConfig } from '../../../activities/proxmox/vm-config-plan.ts';
import { clusterTag, hasTag, ownerMarker, ownershipOf, providerIdOf, vmidCandidates } from '../../../activities/proxmox/vm-identity.ts';

const input: MachineVmSpecInput = {
  cluster: 'default/alpha',
  machine: 'alpha-cp-1',
  templateVmid: 9000,
  allowedNodes: ['pve1', 'pve2'],
  cores: 2,
  memoryMiB: 4096,
  diskGiB: 20,
  address: { ip: '127.0.10.11', prefix: 24, gateway: '127.0.10.1', dns: ['127.0.0.53'] },
};
const spec = MachineVmSpec.parse(input);

describe('vmidCandidates', () => {
  it('starts every machine at its own stable slot and stays in range', () => {
    const range = { start: 10_000, end: 10_099 };
    const first = vmidCandidates(spec, range);
    expect(vmidCandidates(spec, range)).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(first.every((id) => id >= 10_000 && id <= 10_099)).toBe(true);
    expect(vmidCandidates({ ...spec, machine: 'alpha-cp-2' }, range)[0]).not.toBe(first[0]);
  });

  it('wraps around a small range without repeating', () => {
    expect(vmidCandidates(spec, { start: 100, end: 102 }).sort()).toEqual([100, 101, 102]);
  });
});

describe('clusterTag, hasTag and providerIdOf', () => {
  it('tags a cluster with the first 10 hex of sha256("<namespace>/<name>"), in what PVE allows in a tag', () => {
    expect(clusterTag('default/alpha')).toMatch(/^capstan-c-[0-9a-f]{10}$/);
    expect(clusterTag('default/alpha')).not.toBe(clusterTag('other/alpha'));
    expect(clusterTag('default/alpha')).toBe(clusterTag('default/alpha'));
  });

  it.each([
    ['capstan;capstan-c-0123456789', true],
    ['capstan, capstan-c-0123456789', true],
    ['Capstan-C-0123456789', true],
    ['capstan;capstan-c-0123456789x', false],
    [undefined, false],
  ])('finds the tag in %j: %s', (tags, expected) => {
    expect(hasTag(tags, 'capstan-c-0123456789')).toBe(expected);
  });

  it.each([
    ['uuid=0B9F6A4E-1111-2222-3333-444455556666', 'proxmox://0b9f6a4e-1111-2222-3333-444455556666'],
    ['manufacturer=UHJveG1veA==,uuid=0b9f6a4e-1111-2222-3333-444455556666,product=eA==', 'proxmox://0b9f6a4e-1111-2222-3333-444455556666'],
    ['manufacturer=UHJveG1veA==', undefined],
    [undefined, undefined],
  ])('reads the providerID from smbios1 %j', (smbios1, expected) => {
    expect(providerIdOf(smbios1)).toBe(expected);
  });
});

describe('ownershipOf', () => {
  it.each([
    ['ours', { name: 'alpha-cp-1', description: `${ownerMarker(spec)}\nnotes` }],
    ['foreign', { name: 'alpha-cp-1', description: 'hand-made VM with the same name' }],
    ['foreign', { name: 'other', description: ownerMarker(spec) }],
    ['cloning', { lock: 'clone' }],
  ] as const)('is %s for %j', (expected, config) => {
    expect(ownershipOf(config, spec)).toBe(expected);
  });
});

describe('planVmConfig', () => {
  it('sets every managed key on a fresh clone and keeps its MAC', () => {
    const changes = planVmConfig(spec, { net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1', memory: '2048', cores: 1 });
    expect(changes).toEqual({
      cores: '2',
      sockets: '1',
      memory: '4096',
      net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0',
      ipconfig0: 'ip=127.0.10.11/24,gw=127.0.10.1',
      nameserver: '127.0.0.53',
      tags: `capstan;${clusterTag('default/alpha')}`,
      description: ownerMarker(spec),
      agent: '1',
      onboot: '1',
    });
  });

  it('changes nothing on a VM that already matches, whatever order PVE gives tags in', () => {
    const current = {
      cores: 2,
      sockets: 1,
      memory: '4096',
      agent: '1',
      onboot: 1,
      net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0',
      ipconfig0: 'ip=127.0.10.11/24,gw=127.0.10.1',
      nameserver: '127.0.0.53',
      tags: `capstan;${clusterTag('default/alpha')}`,
      description: `${ownerMarker(spec)}\noperator notes`,
    };
    expect(planVmConfig(spec, current)).toEqual({});
    expect(
      planVmConfig(MachineVmSpec.parse({ ...input, tags: ['zeta', 'alpha'] }), {
        ...current,
        tags: `zeta;${clusterTag('default/alpha')};capstan;alpha`,
      }),
    ).toEqual({});
  });
});

describe('planDiskResize', () => {
  it.each([
    ['local-lvm:vm-100-disk-0,size=8G', '20G'],
    ['local-lvm:vm-100-disk-0,size=20G', undefined],
    ['local-lvm:vm-100-disk-0,size=32G', undefined],
    ['local-lvm:vm-100-disk-0,size=20480M', undefined],
  ])('grows %s to %s', (disk, expected) => {
    expect(planDiskResize(spec, { scsi0: disk })).toBe(expected);
  });
});

describe('pickNode', () => {
  const nodes = [
    { node: 'pve1', online: true, totalMiB: 16_384, assignedMiB: 14_000 },
    { node: 'pve2', online: true, totalMiB: 16_384, assignedMiB: 4_000 },
    { node: 'pve3', online: false, totalMiB: 65_536, assignedMiB: 0 },
  ];
  it('takes the allowed node with the most free memory', () => {
    expect(pickNode(nodes, ['pve1', 'pve2', 'pve3'], 2048)).toBe('pve2');
  });
  it('skips offline and full nodes, and answers undefined when none fits', () => {
    expect(pickNode(nodes, ['pve1', 'pve3'], 4096)).toBeUndefined();
    expect(pickNode(nodes, ['pve1'], 2048)).toBe('pve1');
  });
});
