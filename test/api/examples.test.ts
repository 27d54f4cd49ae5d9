// The README walks users through these files: they must stay valid inputs.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { planCluster } from '../../plan/cluster-plan.ts';
import { describeIssue, objectsFromManifests, toDesiredCluster } from '../../api/capi/to-desired-cluster.ts';
import { newClusterState } from '../../api/cluster-workflow-state.ts';

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
    const running = {
      kubernetesVersion: 'v1.34.2',
      talosVersion: 'v1.11.5',
      shapeHash: '',
      phase: 'Running' as const,
      ready: true,
      createdAt: '',
    };
    const plan = planCluster({
      desired,
      observed: { bootstrapped: true, machines: [{ name: 'demo-cp-1', role: 'control-plane', ...running }] },
    });
    expect(plan.ok && plan.steps).toEqual(['take an etcd snapshot', 'upgrade Talos to v1.12.4', 'upgrade control plane to v1.35.1']);
  });
});

const documents = (text: string): unknown[] => parseAllDocuments(text).map((d) => d.toJS() as unknown);

describe('examples/demo (the npm start demo, in CAPI manifests)', () => {
  const yaml = readFileSync(new URL('../../examples/demo/cluster.yaml', import.meta.url), 'utf8');

  it('maps to a DesiredCluster of 3 control planes and 2 workers on Kubernetes v1.32.9 / Talos v1.10.7, without warnings', () => {
    const result = toDesiredCluster({ namespace: 'default', name: 'demo' }, objectsFromManifests(documents(yaml)));
    expect(result.ok ? [] : result.errors.map(describeIssue)).toEqual([]);
    expect(result.warnings.map(describeIssue)).toEqual([]);
    if (!result.ok) return;
    expect(result.desired).toMatchObject({ kubernetesVersion: 'v1.32.9', talosVersion: 'v1.10.7', controlPlane: { replicas: 3 } });
    expect(result.desired.machineDeployments.map((md) => [md.name, md.replicas])).toEqual([['demo-md-0', 2]]);
  });

  it('machine-health-check.yaml becomes a health check on the workers, in seconds, at most one remediated at a time', () => {
    const check = readFileSync(new URL('../../examples/demo/machine-health-check.yaml', import.meta.url), 'utf8');
    const result = toDesiredCluster({ namespace: 'default', name: 'demo' }, objectsFromManifests(documents(`${yaml}\n---\n${check}`)));
    expect(result.ok ? result.warnings.map(describeIssue) : result.errors.map(describeIssue)).toEqual([]);
    expect(result.ok && result.desired.healthChecks).toEqual([
      {
        name: 'demo-workers',
        selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'demo-md-0' }, matchExpressions: [] },
        unhealthyConditions: [
          { type: 'Ready', status: 'Unknown', timeoutSeconds: 60 },
          { type: 'Ready', status: 'False', timeoutSeconds: 60 },
        ],
        maxUnhealthy: 1,
        nodeStartupTimeoutSeconds: 600,
      },
    ]);
  });

  it('its upgrade patch plans three minors with Talos interleaved, the workers following at the end', () => {
    const patched = yaml
      .replace('version: v1.32.9\n  replicas: 3', 'version: v1.35.0\n  replicas: 3')
      .replace(/talosVersion: v1\.10\.7/g, 'talosVersion: v1.12.0');
    const result = toDesiredCluster({ namespace: 'default', name: 'demo' }, objectsFromManifests(documents(patched)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const running = {
      talosVersion: 'v1.10.7',
      kubernetesVersion: 'v1.32.9',
      shapeHash: '',
      phase: 'Running' as const,
      ready: true,
      createdAt: '',
    };
    const plan = planCluster({
      desired: result.desired,
      observed: {
        bootstrapped: true,
        machines: [
          { name: 'demo-cp-1', role: 'control-plane', ...running },
          { name: 'demo-md-0-1', role: 'worker', deployment: 'demo-md-0', ...running },
        ],
      },
    });
    expect(plan.ok && plan.steps).toEqual([
      'take an etcd snapshot',
      'upgrade control plane to v1.33.5',
      'upgrade Talos to v1.11.5',
      'upgrade control plane to v1.34.2',
      'upgrade Talos to v1.12.0',
      'upgrade control plane to v1.35.0',
      'upgrade workers demo-md-0 to v1.35.0 with Talos v1.12.0',
    ]);
  });
});
