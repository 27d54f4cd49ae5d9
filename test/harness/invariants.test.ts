import { describe, expect, it } from 'vitest';
import { invariantViolations, type TalosEvent } from './invariants.ts';

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

// Synthetic Talos logs: seq is the position in the list, 1-based.
type Step = readonly [type: string, hostname: string, cluster?: string];
function log(...steps: readonly Step[]): TalosEvent[] {
  return steps.map(([type, hostname, cluster = 'alpha'], i) => ({ seq: i + 1, type, hostname, cluster }));
}
const [a, b, c, d] = ['alpha-md-0-0000a', 'alpha-md-0-0000b', 'alpha-md-0-0000c', 'alpha-md-0-0000d'];
const ready = (name: string, cluster?: string): Step => ['k8s.node-ready', name, cluster];
const down = (name: string): Step => ['node.down', name];
const notReady = (name: string): Step => ['k8s.node-not-ready', name];

describe('worker availability', () => {
  it('accepts a surge 1 / unavailable 0 rollout that never has fewer than replicas Ready', () => {
    const talos = log(ready(a), ready(b), ready(c), down(a), ready(d), notReady(b), down(b));
    expect(invariantViolations([], talos, { ...scope, availability: { deployment: 'md-0', minReady: 2 } })).toEqual([]);
  });

  it('flags a surge 1 / unavailable 0 rollout that takes an old node down before its replacement is Ready', () => {
    const talos = log(ready(a), ready(b), down(a), ready(c), down(b), ready(d));
    expect(invariantViolations([], talos, { ...scope, availability: { deployment: 'md-0', minReady: 2 } })).toEqual([
      `deployment md-0 of alpha: 1 Ready at Talos event 3, at least 2 required (Ready: ${b})`,
      `deployment md-0 of alpha: 1 Ready at Talos event 5, at least 2 required (Ready: ${c})`,
    ]);
  });

  it('allows maxUnavailable 1 of 3 but flags a second node down at once, and again as it sinks further', () => {
    const talos = log(ready(a), ready(b), ready(c), down(a), ready(a), down(b), notReady(c), down(a), ready(b), ready(c), ready(a));
    expect(invariantViolations([], talos, { ...scope, availability: { deployment: 'md-0', minReady: 2 } })).toEqual([
      `deployment md-0 of alpha: 1 Ready at Talos event 7, at least 2 required (Ready: ${a})`,
      'deployment md-0 of alpha: 0 Ready at Talos event 8, at least 2 required (Ready: none)',
    ]);
  });

  it('counts only the deployment, not control planes, other deployments or other clusters', () => {
    const talos = log(
      ready(a),
      ready(b),
      ready('alpha-cp-0000e'),
      ready('alpha-md-1-0000f'),
      ready('alpha-md-0-extra'),
      down(a),
      ready(a, 'beta'),
    );
    expect(invariantViolations([], talos, { ...scope, availability: { deployment: 'md-0', minReady: 2 } })).toEqual([
      `deployment md-0 of alpha: 1 Ready at Talos event 6, at least 2 required (Ready: ${b})`,
    ]);
  });

  it('takes every worker by default, knowing roles from node.configured, and selected ones with a matcher', () => {
    const configured = (name: string, machineType: string): TalosEvent => ({
      seq: 0,
      type: 'node.configured',
      hostname: name,
      cluster: 'alpha',
      detail: { machineType },
    });
    const talos = [
      configured('talos-127-0-0-5', 'worker'),
      configured('alpha-md-0-0000e', 'controlplane'),
      ...log(ready(a), ready('talos-127-0-0-5'), ready('alpha-md-0-0000e'), down(a)),
    ];
    expect(invariantViolations([], talos, { ...scope, availability: { minReady: 2 } })).toEqual([
      'workers of alpha: 1 Ready at Talos event 4, at least 2 required (Ready: talos-127-0-0-5)',
    ]);
    expect(
      invariantViolations([], talos, { ...scope, availability: { deployment: (name) => name.startsWith('talos-'), minReady: 1 } }),
    ).toEqual([]);
  });

  it('judges from afterTalosEvent (the state there must already hold) until untilTalosEvent or the delete', () => {
    const talos = log(ready(a), ready(b), down(a), ready(a), down(b), down(a));
    expect(
      invariantViolations([], talos, {
        ...scope,
        availability: { deployment: 'md-0', minReady: 2, afterTalosEvent: 3, untilTalosEvent: 4 },
      }),
    ).toEqual([`deployment md-0 of alpha: 1 Ready at Talos event 3 (the start of the judged stretch), at least 2 required (Ready: ${b})`]);
    expect(invariantViolations([], talos, { ...scope, availability: { deployment: 'md-0', minReady: 1, afterTalosEvent: 3 } })).toEqual([
      'deployment md-0 of alpha: 0 Ready at Talos event 6, at least 1 required (Ready: none)',
    ]);
    expect(
      invariantViolations([], talos, { ...scope, deletedAfterTalosEvent: 4, availability: { deployment: 'md-0', minReady: 1 } }),
    ).toEqual([]);
  });

  it('flags a deployment that never had minReady Ready, and checks several rules', () => {
    const talos = log(ready(a), ready('alpha-md-1-0000f'));
    expect(
      invariantViolations([], talos, {
        ...scope,
        availability: [
          { deployment: 'md-0', minReady: 2 },
          { deployment: 'md-1', minReady: 1 },
          { deployment: 'md-2', minReady: 0 },
        ],
      }),
    ).toEqual(['deployment md-0 of alpha: never had 2 Ready (at most 1)']);
  });
});
