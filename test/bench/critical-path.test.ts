// The critical-path functions the bench divides wall times by: hand-computed cases with round
// delays, so each dependency of the model is visible in the expected number.
import { describe, expect, it } from 'vitest';
import { simDelays, type InfraDelays } from '../../bench/critical-path/infra-delays.ts';
import { cloneEnds, workerCreation, workerReplacement } from '../../bench/critical-path/machine-path.ts';
import { provisionCriticalPath } from '../../bench/critical-path/provision-path.ts';
import { rollingCriticalPath } from '../../bench/critical-path/rolling-path.ts';
import { upgradeCriticalPath } from '../../bench/critical-path/upgrade-path.ts';
import type { UpgradeHop } from '../../api/cluster-plan.ts';
import { planUpgradePath } from '../../plan/upgrade-path.ts';
import { defaultVersionCatalog } from '../../api/capi/default-version-catalog.ts';

// clone → services ready after it: 2×config + resize + start + boot + install + servicesReady = 2+1+2+10+20+5 = 40.
const d: InfraDelays = {
  clone: 8,
  config: 1,
  resize: 1,
  start: 2,
  stop: 1,
  generic: 1,
  destroy: 2,
  boot: 10,
  install: 20,
  upgrade: 30,
  servicesReady: 5,
  nodeReady: 6,
  etcdJoin: 3,
  learnerPromotion: 4,
};

describe('simDelays', () => {
  it('scales the simulators’ defaults', () => {
    const full = simDelays(1);
    const fifth = simDelays(0.2);
    expect(full.clone).toBe(8_000);
    expect(full.install).toBe(60_000);
    expect(fifth.clone).toBeCloseTo(1_600);
    expect(fifth.learnerPromotion).toBeCloseTo(3_000);
  });
});

describe('machine path', () => {
  it('queues clones by the slots', () => {
    expect(cloneEnds(5, 2, 8)).toEqual([8, 8, 16, 16, 24]);
    expect(cloneEnds(2, 3, 8)).toEqual([8, 8]);
    expect(() => cloneEnds(1, 0, 8)).toThrow(/at least 1/);
  });
  it('adds a worker’s steps', () => {
    expect(workerCreation(d)).toBe(8 + 40 + 6);
    expect(workerReplacement(d)).toBe(54 + 1 + 1 + 2);
  });
});

describe('provisionCriticalPath', () => {
  it('one control plane: bootstrap at services ready, its Node Ready after nodeReady', () => {
    const path = provisionCriticalPath(d, { controlPlanes: 1, workers: 0, cloneSlots: 2 });
    expect(path.bootstrapAt).toBe(48);
    expect(path.votingAt).toEqual([48]);
    expect(path.totalMs).toBe(54);
  });

  it('serializes etcd joins: each after the previous member is promoted', () => {
    // Clones end at 8, 8, 16 → services ready 48, 48, 56. Join 2: from 48 → 55; join 3: from max(56, 55) → 63.
    const path = provisionCriticalPath(d, { controlPlanes: 3, workers: 0, cloneSlots: 2 });
    expect(path.votingAt).toEqual([48, 55, 63]);
    expect(path.nodeReadyAt).toEqual([54, 54, 62]);
    expect(path.totalMs).toBe(63);
  });

  it('the clone queue puts the last worker last', () => {
    // 3 + 10 VMs, 2 slots: the 13th clone ends at 7×8 = 56 → services ready 96 → Ready 102.
    const path = provisionCriticalPath(d, { controlPlanes: 3, workers: 10, cloneSlots: 2 });
    expect(path.nodeReadyAt.at(-1)).toBe(102);
    expect(path.totalMs).toBe(102);
  });

  it('a worker waits for the API, without counting nodeReady twice', () => {
    const path = provisionCriticalPath(d, { controlPlanes: 1, workers: 1, cloneSlots: 2, apiserverStartMs: 30 });
    expect(path.apiUpAt).toBe(78);
    expect(path.nodeReadyAt).toEqual([78, 78]);
    expect(path.totalMs).toBe(78);
  });

  it('refuses a cluster without control planes', () => {
    expect(() => provisionCriticalPath(d, { controlPlanes: 0, workers: 1, cloneSlots: 2 })).toThrow(/control plane/);
  });
});

describe('rollingCriticalPath', () => {
  it('is ⌈N/s⌉ replacements while the surge fits the clone slots', () => {
    expect(rollingCriticalPath(d, { replicas: 6, maxSurge: 2, cloneSlots: 2 })).toBe(3 * workerReplacement(d));
    expect(rollingCriticalPath(d, { replicas: 5, maxSurge: 2, cloneSlots: 2 })).toBe(3 * workerReplacement(d));
  });
  it('queues the clones of a batch larger than the slots', () => {
    expect(rollingCriticalPath(d, { replicas: 3, maxSurge: 3, cloneSlots: 2 })).toBe(workerReplacement(d) + d.clone);
  });
  it('refuses a surge of 0', () => {
    expect(() => rollingCriticalPath(d, { replicas: 3, maxSurge: 0, cloneSlots: 2 })).toThrow(/maxSurge/);
  });
});

describe('upgradeCriticalPath', () => {
  const hops: UpgradeHop[] = [
    { kind: 'snapshot-etcd', description: 's' },
    { kind: 'talos', from: 'v1.10.7', to: 'v1.11.5', description: 't1' },
    { kind: 'control-plane', from: 'v1.32.9', to: 'v1.33.5', description: 'k1' },
    { kind: 'control-plane', from: 'v1.33.5', to: 'v1.34.2', description: 'k2' },
    { kind: 'talos', from: 'v1.11.5', to: 'v1.12.0', description: 't2' },
    { kind: 'control-plane', from: 'v1.34.2', to: 'v1.35.0', description: 'k3' },
    { kind: 'workers', deployments: [{ name: 'md-0', from: 'v1.32.9', to: 'v1.35.0' }], description: 'w' },
  ];
  const shape = { controlPlanes: 3, controlPlaneStrategy: 'InPlace', workers: 2, maxSurge: 1, cloneSlots: 2 } as const;

  it('InPlace control planes: each Talos hop reboots them one at a time; workers are replaced once, last', () => {
    const path = upgradeCriticalPath(d, hops, shape);
    expect(path.controlPlaneMs).toBe(2 * 3 * (30 + 5 + 6));
    expect(path.workersMs).toBe(2 * workerReplacement(d));
    expect(path.totalMs).toBe(path.controlPlaneMs + path.workersMs);
  });

  it('Talos hops after the last Kubernetes hop run alongside the workers', () => {
    const trailing: UpgradeHop[] = [
      { kind: 'control-plane', from: 'v1.32.9', to: 'v1.33.5', description: 'k1' },
      { kind: 'talos', from: 'v1.10.7', to: 'v1.11.5', description: 't1' },
    ];
    const path = upgradeCriticalPath(d, trailing, { ...shape, workers: 1 });
    expect(path.controlPlaneMs).toBe(0);
    expect(path.totalMs).toBe(Math.max(workerReplacement(d), 3 * 41));
  });

  it('RollingUpdate control planes are replaced per hop: join and promotion, then the old one goes', () => {
    const path = upgradeCriticalPath(d, hops.slice(0, 3), { ...shape, controlPlaneStrategy: 'RollingUpdate', workers: 0 });
    expect(path.totalMs).toBe(2 * 3 * (8 + 40 + Math.max(6, 7) + 4));
  });

  it('takes the hops planUpgradePath makes for the default catalog', () => {
    const plan = planUpgradePath({
      catalog: defaultVersionCatalog,
      controlPlane: 'v1.32.9',
      talos: 'v1.10.7',
      workers: [{ name: 'md-0', version: 'v1.32.9' }],
      target: { kubernetes: 'v1.35.0', talos: 'v1.12.0' },
    });
    if (!plan.ok) throw new Error(plan.reason);
    const talosHops = plan.hops.filter((h) => h.kind === 'talos').length;
    expect(talosHops).toBe(2);
    expect(upgradeCriticalPath(d, plan.hops, shape).controlPlaneMs).toBe(talosHops * 3 * 41);
  });
});
