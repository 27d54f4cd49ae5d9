import { describe, expect, it } from 'vitest';
import { invariantViolations } from './invariants.ts';

const scope = { cluster: 'alpha' };

describe('invariantViolations', () => {
  it('accepts a clean create and delete', () => {
    const vms = [
      { seq: 1, type: 'vm.created', vmid: 100, name: 'alpha-cp-1' },
      { seq: 2, type: 'vm.destroyed', vmid: 100 },
    ];
    const talos = [{ seq: 5, type: 'etcd.quorum-lost', cluster: 'alpha' }]; // the delete removing members
    expect(invariantViolations(vms, talos, { ...scope, deletedAfterTalosEvent: 4 })).toEqual([]);
  });

  it('flags a second VM for one machine, a VM left after delete, lost quorum and split brain', () => {
    const vms = [
      { seq: 1, type: 'vm.created', vmid: 100, name: 'alpha-cp-1' },
      { seq: 2, type: 'vm.created', vmid: 101, name: 'alpha-cp-1' },
      { seq: 3, type: 'vm.created', vmid: 102, name: 'beta-cp-1' },
    ];
    const talos = [
      { seq: 1, type: 'etcd.quorum-lost', cluster: 'alpha' },
      { seq: 2, type: 'etcd.split-brain', cluster: 'alpha' },
      { seq: 3, type: 'etcd.quorum-lost', cluster: 'beta' },
    ];
    expect(invariantViolations(vms, talos, { ...scope, deletedAfterTalosEvent: 3 })).toEqual([
      'VM 101 was created for alpha-cp-1, which already had VM 100',
      'after the delete these VMs are left: 100 (alpha-cp-1), 101 (alpha-cp-1)',
      'etcd quorum of alpha was lost (event 1)',
      'etcd of alpha was bootstrapped twice: split brain (event 2)',
    ]);
  });
});
