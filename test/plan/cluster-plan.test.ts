import { describe, expect, it } from 'vitest';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { ObservedCluster } from '../../api/observed-cluster.ts';
import { planCluster } from '../../plan/cluster-plan.ts';
import { shapeHash } from '../../plan/shape-hash.ts';
import { desired, observed, shape } from './cluster-fixture.ts';
import { machine } from './machines.ts';
import type { ClusterPlan } from '../../api/cluster-plan.ts';

const plan = (d: DesiredCluster, o: ObservedCluster, deleting = false): ClusterPlan => planCluster({ desired: d, observed: o, deleting });
const brief = (p: ClusterPlan) =>
  p.ok ? { operation: p.operation, summary: p.summary, steps: p.steps } : { operation: p.operation, reason: p.reason };
const empty: ObservedCluster = { machines: [], bootstrapped: false };
const bigger = { ...shape, cores: 4 };
const md0 = (extra: object) => [{ name: 'md-0', replicas: 2, machine: shape, deletePolicy: 'Oldest' as const, ...extra }];

describe('planCluster', () => {
  it.each<[string, DesiredCluster, ObservedCluster, boolean, ReturnType<typeof brief>]>([
    [
      'nothing exists: provision',
      desired(),
      empty,
      false,
      {
        operation: 'provision',
        summary: 'provision default/demo: 3 control-plane machines, 2 workers',
        steps: [
          'reserve IP addresses and the control-plane endpoint',
          'create control-plane machine 1 of 3, bootstrap etcd, store the kubeconfig and talosconfig',
          'create control-plane machine 2 of 3 and join etcd',
          'create control-plane machine 3 of 3 and join etcd',
          'create 2 machines in md-0',
          'wait until every node is Ready',
        ],
      },
    ],
    [
      'the Cluster is being deleted: workers, then control plane, then IPs and Secrets',
      desired(),
      observed(),
      true,
      {
        operation: 'delete',
        summary: 'delete default/demo',
        steps: [
          'delete 2 machines of md-0',
          'delete 3 machines of the control plane',
          'release the IP addresses',
          'remove the kubeconfig and talosconfig Secrets',
        ],
      },
    ],
    ['everything matches', desired(), observed(), false, { operation: 'none', summary: 'nothing to do', steps: [] }],
    [
      'a chained upgrade with Talos interleaved',
      desired({ kubernetesVersion: 'v1.36.1', talosVersion: 'v1.13.2' }),
      observed(),
      false,
      {
        operation: 'upgrade',
        summary: 'upgrade Kubernetes v1.33.4 → v1.36.1, Talos v1.11.5 → v1.13.2',
        steps: [
          'take an etcd snapshot',
          'upgrade control plane to v1.34.2',
          'upgrade Talos to v1.12.4',
          'upgrade control plane to v1.35.3',
          'upgrade Talos to v1.13.2',
          'upgrade control plane to v1.36.1',
          'upgrade workers md-0 to v1.36.1 with Talos v1.13.2',
        ],
      },
    ],
    [
      'an upgrade interrupted half-way resumes from the oldest member',
      desired({ kubernetesVersion: 'v1.34.2' }),
      observed((m) => (m.name === 'cp-0' ? { ...m, kubernetesVersion: 'v1.34.2' } : m)),
      false,
      {
        operation: 'upgrade',
        summary: 'upgrade Kubernetes v1.33.4 → v1.34.2',
        steps: ['take an etcd snapshot', 'upgrade control plane to v1.34.2', 'upgrade workers md-0 to v1.34.2'],
      },
    ],
    [
      'the version comes before a control-plane scale asked at the same time',
      desired({ kubernetesVersion: 'v1.34.2', controlPlane: { replicas: 5, machine: shape } }),
      observed(),
      false,
      {
        operation: 'upgrade',
        summary: 'upgrade Kubernetes v1.33.4 → v1.34.2',
        steps: ['take an etcd snapshot', 'upgrade control plane to v1.34.2', 'upgrade workers md-0 to v1.34.2'],
      },
    ],
    [
      'control plane 3 → 5',
      desired({ controlPlane: { replicas: 5, machine: shape } }),
      observed(),
      false,
      {
        operation: 'scale-control-plane',
        summary: 'scale control plane 3 → 5',
        steps: [
          'take an etcd snapshot',
          'create new control-plane machine 1',
          'wait until new control-plane machine 1 is Ready and its etcd member healthy',
          'create new control-plane machine 2',
          'wait until new control-plane machine 2 is Ready and its etcd member healthy',
        ],
      },
    ],
    [
      'a new control-plane shape rolls the control plane, one machine at a time',
      desired({ controlPlane: { replicas: 3, machine: bigger } }),
      observed(),
      false,
      {
        operation: 'rollout-control-plane',
        summary: 'roll out the control plane (3 machines)',
        steps: [
          'take an etcd snapshot',
          ...[0, 1, 2].flatMap((i) => [
            `create new control-plane machine ${i + 1}`,
            `wait until new control-plane machine ${i + 1} is Ready and its etcd member healthy`,
            `move etcd leadership away from cp-${i}`,
            `remove cp-${i} from etcd (it leaves by itself)`,
            `delete machine cp-${i}`,
          ]),
        ],
      },
    ],
    [
      'md-0 2 → 4',
      desired({ machineDeployments: md0({ replicas: 4 }) }),
      observed(),
      false,
      {
        operation: 'scale-machine-deployment',
        summary: 'scale md-0 2 → 4',
        steps: ['create a machine in md-0', 'create a machine in md-0'],
      },
    ],
    [
      'md-0 2 → 1 (Oldest)',
      desired({ machineDeployments: md0({ replicas: 1 }) }),
      observed(),
      false,
      { operation: 'scale-machine-deployment', summary: 'scale md-0 2 → 1', steps: ['delete md-0-0'] },
    ],
    [
      'a new md-0 shape rolls md-0 with surge 1 / unavailable 0',
      desired({ machineDeployments: md0({ machine: bigger }) }),
      observed(),
      false,
      {
        operation: 'rollout-machine-deployment',
        summary: 'roll out md-0 (2 machines)',
        steps: ['create a machine in md-0', 'delete md-0-0', 'create a machine in md-0', 'delete md-0-1'],
      },
    ],
    [
      'workers of a removed MachineDeployment are deleted first',
      desired({ kubernetesVersion: 'v1.34.2' }),
      { ...observed(), machines: [...observed().machines, machine('old-0', { deployment: 'md-old' })] },
      false,
      { operation: 'scale-machine-deployment', summary: 'scale md-old 1 → 0', steps: ['delete old-0'] },
    ],
  ])('%s', (_name, d, o, deleting, expected) => {
    const result = plan(d, o, deleting);
    expect(brief(result)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it.each<[string, DesiredCluster, ObservedCluster, string, string]>([
    [
      'paused',
      desired({ paused: true, kubernetesVersion: 'v1.34.2' }),
      observed(),
      'upgrade',
      'the cluster is paused; "upgrade Kubernetes v1.33.4 → v1.34.2" waits until it is resumed',
    ],
    [
      'a downgrade',
      desired({ kubernetesVersion: 'v1.33.1' }),
      observed(),
      'upgrade',
      'cp-0 runs Kubernetes v1.33.4, newer than the desired v1.33.1; downgrades are not supported',
    ],
    [
      'a Talos downgrade',
      desired({ talosVersion: 'v1.11.2' }),
      observed(),
      'upgrade',
      'cp-0 runs Talos v1.11.5, newer than the desired v1.11.2; downgrades are not supported',
    ],
    [
      'an upgrade that leaves a pinned group too far behind',
      desired({ kubernetesVersion: 'v1.36.1', talosVersion: 'v1.13.2', machineDeployments: md0({ kubernetesVersion: 'v1.32.9' }) }),
      observed((m) => (m.role === 'worker' ? { ...m, kubernetesVersion: 'v1.32.9' } : m)),
      'upgrade',
      'cannot upgrade control plane to v1.36.1: it would break the Kubernetes version-skew policy: the kubelets of md-0 at v1.32.9 would be 4 minors older than kube-apiserver at v1.36.1; at most 3 are allowed',
    ],
    [
      'a scale-down that would keep an unhealthy member',
      desired({ controlPlane: { replicas: 1, machine: shape } }),
      observed((m) => (m.name === 'cp-0' || m.name === 'cp-2' ? { ...m, ready: false } : m)),
      'scale-control-plane',
      'etcd has lost quorum: 1 of 3 members healthy, 2 needed; restore it before changing the control plane',
    ],
    [
      'a control-plane shape change with InPlace',
      desired({ controlPlane: { replicas: 3, machine: bigger, strategy: { type: 'InPlace' } } }),
      observed(),
      'rollout-control-plane',
      'the control-plane machine shape changed, but the InPlace strategy cannot change a VM; use RollingUpdate',
    ],
    [
      'a worker shape change with InPlace',
      desired({ machineDeployments: md0({ machine: bigger, strategy: { type: 'InPlace' } }) }),
      observed(),
      'rollout-machine-deployment',
      'the machine shape of md-0 changed, but its InPlace strategy cannot change a VM; use RollingUpdate',
    ],
    [
      'a rollout with both fenceposts zero',
      desired({ machineDeployments: md0({ machine: bigger, strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 0 } }) }),
      observed(),
      'rollout-machine-deployment',
      'maxSurge (0) and maxUnavailable (0) cannot both be 0: the rollout could never replace a machine',
    ],
    [
      'provisioning versions Talos cannot run',
      desired({ kubernetesVersion: 'v1.30.4', talosVersion: 'v1.13.2' }),
      empty,
      'provision',
      'Talos v1.13.2 supports Kubernetes v1.31 to v1.36, not v1.30.4',
    ],
    [
      'provisioning a group pinned 4 minors behind',
      desired({ machineDeployments: md0({ kubernetesVersion: 'v1.29.5' }) }),
      empty,
      'provision',
      'the desired versions break the Kubernetes version-skew policy: the kubelets of md-0 at v1.29.5 would be 4 minors older than kube-apiserver at v1.33.4; at most 3 are allowed',
    ],
    [
      'a bootstrapped cluster without control plane',
      desired(),
      { ...observed(), machines: observed().machines.filter((m) => m.role === 'worker') },
      'provision',
      'etcd was bootstrapped, but no control-plane machine is left; Capstan never bootstraps etcd twice: restore the control plane from an etcd snapshot',
    ],
  ])('refuses %s', (_name, d, o, operation, reason) => {
    expect(plan(d, o)).toEqual({ ok: false, operation, reason });
  });

  it('a paused cluster with nothing to do is simply idle', () => {
    expect(plan(desired({ paused: true }), observed())).toMatchObject({ ok: true, operation: 'none' });
  });

  it('carries what the operation workflow needs', () => {
    const upgrade = plan(desired({ kubernetesVersion: 'v1.34.2' }), observed());
    expect(upgrade).toMatchObject({
      ok: true,
      operation: 'upgrade',
      from: { kubernetes: 'v1.33.4', talos: 'v1.11.5' },
      to: { kubernetes: 'v1.34.2', talos: 'v1.11.5' },
    });
    const rollout = plan(desired({ machineDeployments: md0({ machine: bigger }) }), observed());
    expect(rollout).toMatchObject({
      ok: true,
      deployment: 'md-0',
      batches: [
        { create: ['md-0 new machine 1'], delete: [] },
        { create: [], delete: ['md-0-0'] },
        { create: ['md-0 new machine 2'], delete: [] },
        { create: [], delete: ['md-0-1'] },
      ],
    });
    const scale = plan(desired({ machineDeployments: md0({ replicas: 1 }) }), observed());
    expect(scale).toMatchObject({ ok: true, deployment: 'md-0', from: 2, to: 1, create: 0, delete: ['md-0-0'] });
  });

  it('says per machine what an upgrade does, and its stages: control planes in place, RollingUpdate workers replaced once', () => {
    const upgrade = plan(
      desired({
        kubernetesVersion: 'v1.36.1',
        talosVersion: 'v1.13.2',
        controlPlane: { replicas: 3, machine: shape, strategy: { type: 'InPlace' } },
        machineDeployments: md0({ strategy: { type: 'RollingUpdate', maxSurge: 2, maxUnavailable: 0 } }),
      }),
      observed(),
    );
    const from = { kubernetes: 'v1.33.4', talos: 'v1.11.5' };
    const to = { kubernetes: 'v1.36.1', talos: 'v1.13.2' };
    const inPlace = ['upgrade-kubernetes', 'upgrade-talos', 'upgrade-kubernetes', 'upgrade-talos', 'upgrade-kubernetes'];
    expect(upgrade.ok && upgrade.machineChanges).toEqual([
      ...[0, 1, 2].map((i) => ({ name: `cp-${i}`, role: 'control-plane', replaced: false, from, to, actions: inPlace })),
      ...[0, 1].map((i) => ({ name: `md-0-${i}`, role: 'worker', deployment: 'md-0', replaced: true, from, to, actions: ['replace'] })),
    ]);
    const cps = ['cp-0', 'cp-1', 'cp-2'];
    expect(upgrade.ok && upgrade.stages).toEqual([
      { description: 'take an etcd snapshot', action: 'snapshot-etcd', machines: [], parallel: 1 },
      { description: 'upgrade control plane to v1.34.2', action: 'upgrade-kubernetes', machines: cps, parallel: 1 },
      { description: 'upgrade Talos to v1.12.4: control plane', action: 'upgrade-talos', machines: cps, parallel: 1 },
      { description: 'upgrade control plane to v1.35.3', action: 'upgrade-kubernetes', machines: cps, parallel: 1 },
      { description: 'upgrade Talos to v1.13.2: control plane', action: 'upgrade-talos', machines: cps, parallel: 1 },
      { description: 'upgrade control plane to v1.36.1', action: 'upgrade-kubernetes', machines: cps, parallel: 1 },
      { description: 'upgrade workers md-0', action: 'replace', machines: ['md-0-0', 'md-0-1'], parallel: 2 },
    ]);
  });

  it('says which machines a rollout replaces, and how many at a time', () => {
    const rollout = plan(desired({ machineDeployments: md0({ machine: bigger }) }), observed());
    const versions = { kubernetes: 'v1.33.4', talos: 'v1.11.5' };
    expect(rollout.ok && rollout.machineChanges?.map((c) => [c.name, c.replaced, c.from, c.to])).toEqual([
      ['md-0-0', true, versions, versions],
      ['md-0-1', true, versions, versions],
    ]);
    expect(rollout.ok && rollout.stages).toEqual([
      { description: 'roll out md-0', action: 'replace', machines: ['md-0-0', 'md-0-1'], parallel: 1 },
    ]);
  });

  it('a machine that records the desired shape hash is up to date', () => {
    expect(shapeHash(desired().controlPlane.machine)).toBe(shapeHash({ ...desired().controlPlane.machine }));
    expect(shapeHash(desired().controlPlane.machine)).not.toBe(shapeHash({ ...desired().controlPlane.machine, cores: 4 }));
  });
});
