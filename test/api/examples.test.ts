// The README walks users through these files: they must stay valid inputs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { newClusterState } from '../../workflows/cluster-workflow.ts';
import { planCluster } from '../../workflows/plan/cluster-plan.ts';

const example = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));

describe('examples/', () => {
  it.each(['demo-cluster.json', 'demo-cluster-upgrade.json', 'demo-cluster-scale.json'])('%s is a valid DesiredCluster', (name) => {
    const parsed = DesiredCluster.safeParse(example(name));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('cluster-state.json is the state a new cluster workflow starts from', () => {
    expect(example('cluster-state.json')).toEqual(newClusterState('default', 'demo'));
  });

  it('the upgrade example plans a Talos upgrade before Kubernetes v1.35', () => {
    const desired = DesiredCluster.parse(example('demo-cluster-upgrade.json'));
    const running = { kubernetesVersion: 'v1.34.2', talosVersion: 'v1.11.5', shapeHash: '', phase: 'Running' as const, ready: true, createdAt: '' };
    const plan = planCluster({ desired, observed: { bootstrapped: true, machines: [{ name: 'demo-cp-1', role: 'control-plane', ...running }] } });
    expect(plan.ok && plan.steps).toEqual(['take an etcd snapshot', 'upgrade Talos to v1.12.4', 'upgrade control plane to v1.35.1']);
  });
});
