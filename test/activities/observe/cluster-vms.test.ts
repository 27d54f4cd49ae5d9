import { describe, expect, it } from 'vitest';
import { sortVms, type VmResource } from '../../../activities/observe/cluster-vms.ts';

const tag = 'capstan-c-0123456789';
const vm = (vmid: number, name: string | undefined, tags?: string, extra: Partial<VmResource> = {}): VmResource => ({
  type: 'qemu',
  vmid,
  node: 'pve1',
  ...(name === undefined ? {} : { name }),
  status: 'running',
  ...(tags === undefined ? {} : { tags }),
  ...extra,
});

describe('sortVms', () => {
  it("takes a tagged VM of a Machine's name at its recorded VMID without reading its config", () => {
    const sorted = sortVms([vm(101, 'a', `capstan;${tag}`), vm(102, 'a', `capstan;${tag}`)], [{ name: 'a', recordedVmid: 102 }], tag);
    expect(sorted.accepted.get('a')?.vmid).toBe(102);
    expect(sorted.toConfirm.size).toBe(0);
    expect(sorted.maybeStray).toEqual([]);
  });

  it('takes the only tagged VM of the name when no VMID was recorded yet', () => {
    expect(sortVms([vm(101, 'a', tag)], [{ name: 'a' }], tag).accepted.get('a')?.vmid).toBe(101);
  });

  it('confirms by the marker what name and tag alone cannot tell: two VMs of one name, an untagged one, a VMID that differs', () => {
    const twins = sortVms([vm(101, 'a', tag), vm(102, 'a', tag)], [{ name: 'a' }], tag);
    expect(twins.accepted.size).toBe(0);
    expect(twins.toConfirm.get('a')?.map((r) => r.vmid)).toEqual([101, 102]);
    const untagged = sortVms([vm(101, 'a', 'capstan')], [{ name: 'a' }], tag);
    expect(untagged.toConfirm.get('a')?.map((r) => r.vmid)).toEqual([101]);
    const moved = sortVms([vm(105, 'a'), vm(101, 'a', tag)], [{ name: 'a', recordedVmid: 105 }], tag);
    expect(moved.toConfirm.get('a')?.map((r) => r.vmid)).toEqual([105, 101]);
  });

  it("offers tagged VMs no Machine names (or not named yet) as strays, never templates or other clusters' VMs", () => {
    const sorted = sortVms(
      [
        vm(101, 'a', tag),
        vm(102, 'left-over', tag),
        vm(103, undefined, tag),
        vm(104, 'other-cluster', 'capstan;capstan-c-9999999999'),
        vm(9000, 'talos-template', tag, { template: 1 }),
        { type: 'lxc', vmid: 200, node: 'pve1', name: 'ct', tags: tag },
      ],
      [{ name: 'a' }],
      tag,
    );
    expect(sorted.maybeStray.map((r) => r.vmid)).toEqual([102, 103]);
  });
});
