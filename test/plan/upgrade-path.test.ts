import { describe, expect, it } from 'vitest';
import type { VersionCatalog } from '../../api/versions.ts';
import { planUpgradePath, type UpgradePath, type WorkerGroupVersion } from '../../plan/upgrade-path.ts';
import { catalog, catalogWithout } from './catalog-fixture.ts';

interface Case {
  controlPlane: string;
  talos: string;
  workers: WorkerGroupVersion[];
  to: string;
  toTalos: string;
  versions?: VersionCatalog;
}

const plan = (c: Case): UpgradePath =>
  planUpgradePath({
    catalog: c.versions ?? catalog,
    controlPlane: c.controlPlane,
    talos: c.talos,
    workers: c.workers,
    target: { kubernetes: c.to, talos: c.toTalos },
  });
const md0 = (version: string, target?: string): WorkerGroupVersion =>
  target ? { name: 'md-0', version, target } : { name: 'md-0', version };
/** A RollingUpdate group: replaced, so it keeps its own Talos until it moves. */
const rolling = (name: string, version: string, talos: string, target?: string): WorkerGroupVersion => ({
  name,
  version,
  talos,
  replaced: true,
  ...(target ? { target } : {}),
});
const snapshot = 'take an etcd snapshot';

// Talos releases with narrow ranges, so a Talos minimum can force workers to move first.
const narrowTalos: VersionCatalog = {
  kubernetes: catalog.kubernetes,
  talos: [
    { version: 'v1.20.1', kubernetesMin: 'v1.30', kubernetesMax: 'v1.32' },
    { version: 'v1.21.0', kubernetesMin: 'v1.32', kubernetesMax: 'v1.34' },
  ],
};
const before125: VersionCatalog = {
  kubernetes: ['v1.22.5', 'v1.23.4', 'v1.24.3', 'v1.25.2', 'v1.26.1'],
  talos: [{ version: 'v1.3.7', kubernetesMin: 'v1.21', kubernetesMax: 'v1.26' }],
};

describe('planUpgradePath', () => {
  it.each<[string, Case, string[]]>([
    [
      'N-3 → N: v1.33.4 → v1.36.1 with Talos v1.11 → v1.13 interleaved where each Kubernetes minor needs it',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.33.4')], to: 'v1.36.1', toTalos: 'v1.13.2' },
      [
        snapshot,
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade Talos to v1.13.2',
        'upgrade control plane to v1.36.1',
        'upgrade workers md-0 to v1.36.1',
      ],
    ],
    [
      'workers already 3 minors behind move before the first control-plane hop',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.30.4')], to: 'v1.36.1', toTalos: 'v1.13.2' },
      [
        snapshot,
        'upgrade workers md-0 to v1.33.4',
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade Talos to v1.13.2',
        'upgrade control plane to v1.36.1',
        'upgrade workers md-0 to v1.36.1',
      ],
    ],
    [
      "CAPI's example v1.29 → v1.33: workers move once at v1.32, then at the end",
      { controlPlane: 'v1.29.5', talos: 'v1.10.7', workers: [md0('v1.29.5')], to: 'v1.33.6', toTalos: 'v1.10.7' },
      [
        snapshot,
        'upgrade control plane to v1.30.4',
        'upgrade control plane to v1.31.7',
        'upgrade control plane to v1.32.9',
        'upgrade workers md-0 to v1.32.9',
        'upgrade control plane to v1.33.6',
        'upgrade workers md-0 to v1.33.6',
      ],
    ],
    [
      'only the worker group that would fall too far behind moves early',
      {
        controlPlane: 'v1.31.7',
        talos: 'v1.11.5',
        workers: [md0('v1.29.5'), { name: 'md-1', version: 'v1.31.2' }],
        to: 'v1.34.2',
        toTalos: 'v1.11.5',
      },
      [
        snapshot,
        'upgrade control plane to v1.32.9',
        'upgrade workers md-0 to v1.32.9',
        'upgrade control plane to v1.33.6',
        'upgrade control plane to v1.34.2',
        'upgrade workers md-0, md-1 to v1.34.2',
      ],
    ],
    [
      'a worker group pinned 3 minors behind the target stays where it is',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.33.4', 'v1.33.4')], to: 'v1.36.1', toTalos: 'v1.13.2' },
      [
        snapshot,
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade Talos to v1.13.2',
        'upgrade control plane to v1.36.1',
      ],
    ],
    [
      'Kubernetes first when it is below the new Talos minimum (v1.29 cannot run on Talos v1.12+)',
      { controlPlane: 'v1.29.5', talos: 'v1.11.5', workers: [md0('v1.29.5')], to: 'v1.31.7', toTalos: 'v1.13.2' },
      [
        snapshot,
        'upgrade control plane to v1.30.4',
        'upgrade control plane to v1.31.7',
        'upgrade workers md-0 to v1.31.7',
        'upgrade Talos to v1.12.4',
        'upgrade Talos to v1.13.2',
      ],
    ],
    [
      'Kubernetes and Talos across six minors: workers move when skew demands, Talos when Kubernetes outgrows it',
      { controlPlane: 'v1.29.5', talos: 'v1.11.5', workers: [md0('v1.29.5')], to: 'v1.35.3', toTalos: 'v1.13.2' },
      [
        snapshot,
        'upgrade control plane to v1.30.4',
        'upgrade control plane to v1.31.7',
        'upgrade control plane to v1.32.9',
        'upgrade workers md-0 to v1.32.9',
        'upgrade control plane to v1.33.6',
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade workers md-0 to v1.35.3',
        'upgrade Talos to v1.13.2',
      ],
    ],
    [
      "workers catch up with the control plane when they are below the next Talos' minimum",
      { controlPlane: 'v1.32.3', talos: 'v1.20.1', workers: [md0('v1.30.4')], to: 'v1.33.6', toTalos: 'v1.21.0', versions: narrowTalos },
      [
        snapshot,
        'upgrade workers md-0 to v1.32.3',
        'upgrade Talos to v1.21.0',
        'upgrade control plane to v1.33.6',
        'upgrade workers md-0 to v1.33.6',
      ],
    ],
    [
      'kubelets older than v1.25 may trail by only 2 minors',
      { controlPlane: 'v1.24.3', talos: 'v1.3.7', workers: [md0('v1.22.5')], to: 'v1.26.1', toTalos: 'v1.3.7', versions: before125 },
      [
        snapshot,
        'upgrade workers md-0 to v1.24.3',
        'upgrade control plane to v1.25.2',
        'upgrade control plane to v1.26.1',
        'upgrade workers md-0 to v1.26.1',
      ],
    ],
    [
      'a patch upgrade is one control-plane hop and one workers hop',
      { controlPlane: 'v1.33.1', talos: 'v1.11.5', workers: [md0('v1.33.1')], to: 'v1.33.6', toTalos: 'v1.11.5' },
      [snapshot, 'upgrade control plane to v1.33.6', 'upgrade workers md-0 to v1.33.6'],
    ],
    [
      'a Talos-only upgrade skips the newer patch of the installed minor',
      { controlPlane: 'v1.33.4', talos: 'v1.11.2', workers: [md0('v1.33.4')], to: 'v1.33.4', toTalos: 'v1.13.2' },
      [snapshot, 'upgrade Talos to v1.12.4', 'upgrade Talos to v1.13.2'],
    ],
    [
      'workers that lag a finished control plane need no snapshot',
      { controlPlane: 'v1.36.1', talos: 'v1.13.2', workers: [md0('v1.33.4')], to: 'v1.36.1', toTalos: 'v1.13.2' },
      ['upgrade workers md-0 to v1.36.1'],
    ],
    ['nothing to do', { controlPlane: 'v1.36.1', talos: 'v1.13.2', workers: [md0('v1.36.1')], to: 'v1.36.1', toTalos: 'v1.13.2' }, []],
    [
      'replaced workers keep their Talos through the Talos hops and are built once, with the final kubelet and Talos',
      {
        controlPlane: 'v1.32.9',
        talos: 'v1.10.7',
        workers: [rolling('md-0', 'v1.32.9', 'v1.10.7')],
        to: 'v1.35.3',
        toTalos: 'v1.12.4',
      },
      [
        snapshot,
        'upgrade control plane to v1.33.6',
        'upgrade Talos to v1.11.5',
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade workers md-0 to v1.35.3 with Talos v1.12.4',
      ],
    ],
    [
      'InPlace workers move before the remaining Talos hops, replaced ones after them (below the new Talos minimum on their own Talos)',
      {
        controlPlane: 'v1.29.5',
        talos: 'v1.11.5',
        workers: [{ name: 'md-a', version: 'v1.29.5' }, rolling('md-b', 'v1.29.5', 'v1.11.5')],
        to: 'v1.31.7',
        toTalos: 'v1.13.2',
      },
      [
        snapshot,
        'upgrade control plane to v1.30.4',
        'upgrade control plane to v1.31.7',
        'upgrade workers md-a to v1.31.7',
        'upgrade Talos to v1.12.4',
        'upgrade Talos to v1.13.2',
        'upgrade workers md-b to v1.31.7 with Talos v1.13.2',
      ],
    ],
    [
      'InPlace and replaced workers share the last hop when no Talos hop is left',
      {
        controlPlane: 'v1.33.4',
        talos: 'v1.11.5',
        workers: [{ name: 'md-a', version: 'v1.33.4' }, rolling('md-b', 'v1.33.4', 'v1.11.5')],
        to: 'v1.36.1',
        toTalos: 'v1.13.2',
      },
      [
        snapshot,
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade Talos to v1.13.2',
        'upgrade control plane to v1.36.1',
        'upgrade workers md-a to v1.36.1, md-b to v1.36.1 with Talos v1.13.2',
      ],
    ],
    [
      'a replaced group the skew policy forces to move on the way is built twice, the first time on the Talos of that point',
      { controlPlane: 'v1.29.5', talos: 'v1.11.5', workers: [rolling('md-0', 'v1.29.5', 'v1.11.5')], to: 'v1.35.3', toTalos: 'v1.13.2' },
      [
        snapshot,
        'upgrade control plane to v1.30.4',
        'upgrade control plane to v1.31.7',
        'upgrade control plane to v1.32.9',
        'upgrade workers md-0 to v1.32.9',
        'upgrade control plane to v1.33.6',
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade Talos to v1.13.2',
        'upgrade workers md-0 to v1.35.3 with Talos v1.13.2',
      ],
    ],
    [
      'a replaced group pinned to its kubelet is rebuilt once, for the new Talos',
      {
        controlPlane: 'v1.33.4',
        talos: 'v1.11.5',
        workers: [rolling('md-0', 'v1.33.4', 'v1.11.5', 'v1.33.4')],
        to: 'v1.36.1',
        toTalos: 'v1.13.2',
      },
      [
        snapshot,
        'upgrade control plane to v1.34.2',
        'upgrade Talos to v1.12.4',
        'upgrade control plane to v1.35.3',
        'upgrade Talos to v1.13.2',
        'upgrade control plane to v1.36.1',
        'upgrade workers md-0 to v1.33.4 with Talos v1.13.2',
      ],
    ],
    [
      'replaced workers left on an older Talos by an interrupted upgrade catch up in one move, without a snapshot',
      {
        controlPlane: 'v1.35.3',
        talos: 'v1.12.4',
        workers: [rolling('md-0', 'v1.34.2', 'v1.11.5')],
        to: 'v1.35.3',
        toTalos: 'v1.12.4',
      },
      ['upgrade workers md-0 to v1.35.3 with Talos v1.12.4'],
    ],
  ])('%s', (_name, c, hops) => {
    const path = plan(c);
    expect(path.ok ? path.hops.map((h) => h.description) : path.reason).toEqual(hops);
  });

  it('carries from/to on every hop, for child workflow IDs', () => {
    const path = plan({
      controlPlane: 'v1.31.7',
      talos: 'v1.11.2',
      workers: [md0('v1.29.5'), { name: 'md-1', version: 'v1.31.2' }],
      to: 'v1.33.6',
      toTalos: 'v1.11.5',
    });
    expect(path).toEqual({
      ok: true,
      hops: [
        { kind: 'snapshot-etcd', description: snapshot },
        { kind: 'control-plane', from: 'v1.31.7', to: 'v1.32.9', description: 'upgrade control plane to v1.32.9' },
        {
          kind: 'workers',
          deployments: [{ name: 'md-0', from: 'v1.29.5', to: 'v1.32.9', talos: { from: 'v1.11.2', to: 'v1.11.2' } }],
          description: 'upgrade workers md-0 to v1.32.9',
        },
        { kind: 'control-plane', from: 'v1.32.9', to: 'v1.33.6', description: 'upgrade control plane to v1.33.6' },
        {
          kind: 'workers',
          deployments: [
            { name: 'md-0', from: 'v1.32.9', to: 'v1.33.6', talos: { from: 'v1.11.2', to: 'v1.11.2' } },
            { name: 'md-1', from: 'v1.31.2', to: 'v1.33.6', talos: { from: 'v1.11.2', to: 'v1.11.2' } },
          ],
          description: 'upgrade workers md-0, md-1 to v1.33.6',
        },
        { kind: 'talos', from: 'v1.11.2', to: 'v1.11.5', description: 'upgrade Talos to v1.11.5' },
      ],
    });
  });

  it.each<[string, Case, string]>([
    [
      'a Kubernetes downgrade',
      { controlPlane: 'v1.34.2', talos: 'v1.11.5', workers: [], to: 'v1.33.6', toTalos: 'v1.11.5' },
      'the control plane runs Kubernetes v1.34.2; downgrading to v1.33.6 is not supported',
    ],
    [
      'a Talos downgrade',
      { controlPlane: 'v1.33.4', talos: 'v1.12.4', workers: [], to: 'v1.33.4', toTalos: 'v1.11.5' },
      'Talos v1.12.4 is installed; downgrading to v1.11.5 is not supported',
    ],
    [
      'a worker downgrade',
      { controlPlane: 'v1.34.2', talos: 'v1.11.5', workers: [md0('v1.34.0', 'v1.33.6')], to: 'v1.34.2', toTalos: 'v1.11.5' },
      'the kubelets of md-0 run v1.34.0; downgrading to v1.33.6 is not supported',
    ],
    [
      'a target outside the catalog',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [], to: 'v1.34.9', toTalos: 'v1.11.5' },
      'Kubernetes v1.34.9 is not in the version catalog',
    ],
    [
      'a missing intermediate Kubernetes minor',
      {
        controlPlane: 'v1.33.4',
        talos: 'v1.11.5',
        workers: [],
        to: 'v1.36.1',
        toTalos: 'v1.13.2',
        versions: catalogWithout('v1.35.1', 'v1.35.3'),
      },
      'the version catalog has no Kubernetes v1.35.x, and the control plane cannot skip from v1.34 to v1.36',
    ],
    [
      'a Talos target outside the catalog',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [], to: 'v1.33.4', toTalos: 'v1.13.7' },
      'Talos v1.13.7 is not in the version catalog',
    ],
    [
      'a missing intermediate Talos minor',
      {
        controlPlane: 'v1.33.4',
        talos: 'v1.11.5',
        workers: [],
        to: 'v1.36.1',
        toTalos: 'v1.13.2',
        versions: catalogWithout('v1.12.0', 'v1.12.4'),
      },
      'the version catalog has no Talos v1.12.x release, and Talos upgrades go through every minor (v1.11 → v1.13)',
    ],
    [
      'a Talos target too old for the Kubernetes target',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.33.4')], to: 'v1.36.1', toTalos: 'v1.12.4' },
      'Kubernetes v1.36.1 needs a Talos release that supports v1.36; Talos v1.12.4 supports v1.30 to v1.35',
    ],
    [
      'a Talos target too new for the Kubernetes target',
      { controlPlane: 'v1.29.5', talos: 'v1.11.5', workers: [md0('v1.29.5')], to: 'v1.30.4', toTalos: 'v1.13.2' },
      'cannot upgrade Talos to v1.13.2: Talos v1.13.2 supports Kubernetes v1.31 to v1.36, and the control plane would run v1.30.4',
    ],
    [
      'a worker group pinned 4 minors behind the target',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.32.9', 'v1.32.9')], to: 'v1.36.1', toTalos: 'v1.13.2' },
      'cannot upgrade control plane to v1.36.1: it would break the Kubernetes version-skew policy: the kubelets of md-0 at v1.32.9 would be 4 minors older than kube-apiserver at v1.36.1; at most 3 are allowed',
    ],
    [
      'a worker group pinned above the control plane',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.33.4', 'v1.34.2')], to: 'v1.33.6', toTalos: 'v1.11.5' },
      'cannot upgrade workers md-0 to v1.34.2: it would break the Kubernetes version-skew policy: the kubelets of md-0 at v1.34.2 would be newer than kube-apiserver at v1.33.6; a kubelet must never be newer than the apiserver',
    ],
    [
      'an installed Talos the catalog does not know',
      { controlPlane: 'v1.33.4', talos: 'v1.9.3', workers: [], to: 'v1.34.2', toTalos: 'v1.9.3' },
      'Talos v1.9.3 is not in the version catalog, so the Kubernetes versions it supports are unknown',
    ],
    [
      'a pinned worker target outside the catalog',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.33.4', 'v1.33.5')], to: 'v1.34.2', toTalos: 'v1.11.5' },
      'Kubernetes v1.33.5 (for md-0) is not in the version catalog',
    ],
    [
      'a skew problem the upgrade leaves in place',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.29.5', 'v1.29.5')], to: 'v1.33.6', toTalos: 'v1.11.5' },
      'after the upgrade, it would break the Kubernetes version-skew policy: the kubelets of md-0 at v1.29.5 would be 4 minors older than kube-apiserver at v1.33.6; at most 3 are allowed',
    ],
    [
      'a replaced group pinned below the minimum of the Talos it must end on',
      {
        controlPlane: 'v1.30.4',
        talos: 'v1.11.5',
        workers: [rolling('md-0', 'v1.30.4', 'v1.11.5', 'v1.30.4')],
        to: 'v1.31.7',
        toTalos: 'v1.13.2',
      },
      'cannot upgrade workers md-0 to v1.30.4 with Talos v1.13.2: Talos v1.13.2 supports Kubernetes v1.31 to v1.36, and the kubelets of md-0 would run v1.30.4',
    ],
    [
      'a Talos downgrade of a replaced group',
      { controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [rolling('md-0', 'v1.33.4', 'v1.12.4')], to: 'v1.33.4', toTalos: 'v1.11.5' },
      'Talos v1.12.4 is installed; downgrading to v1.11.5 is not supported',
    ],
    [
      'a major version change',
      { controlPlane: 'v1.36.1', talos: 'v1.13.2', workers: [], to: 'v2.0.0', toTalos: 'v1.13.2' },
      'Kubernetes v1.36.1 → v2.0.0 crosses a major version; Capstan does not plan that',
    ],
  ])('refuses %s before anything changes', (_name, c, reason) => {
    expect(plan(c)).toEqual({ ok: false, reason });
  });

  it('tolerates a skew problem the cluster already has when the plan fixes it', () => {
    const path = plan({ controlPlane: 'v1.33.4', talos: 'v1.11.5', workers: [md0('v1.29.5')], to: 'v1.33.4', toTalos: 'v1.11.5' });
    expect(path.ok && path.hops.map((h) => h.description)).toEqual(['upgrade workers md-0 to v1.33.4']);
  });
});
