// MachineHealthChecks and the observe interval mapped onto DesiredCluster: what CAPI users write
// becomes the workflow's health checks, and what Capstan cannot carry out is refused by field.
import { describe, expect, it } from 'vitest';
import { describeIssue, objectsFromManifests, toDesiredCluster } from '../../../api/capi/to-desired-cluster.ts';
import type { DesiredCluster } from '../../../api/desired-cluster.ts';
import { at, demoManifests, loadManifests, manifest, type Manifest } from './manifests.ts';

const demo = { namespace: 'default', name: 'demo' };

/** The demo cluster plus its two MachineHealthChecks, a fresh copy each call. */
const withHealthChecks = (): Manifest[] => [...demoManifests(), ...loadManifests('health-checks.yaml')];

function desiredOf(documents: readonly Manifest[]): DesiredCluster {
  const result = toDesiredCluster(demo, objectsFromManifests(documents));
  if (!result.ok) throw new Error(`expected a mapping, got:\n${result.errors.map(describeIssue).join('\n')}`);
  return result.desired;
}

function errorsOf(documents: readonly Manifest[]): string[] {
  const result = toDesiredCluster(demo, objectsFromManifests(documents));
  if (result.ok) throw new Error('expected errors, the mapping succeeded');
  return result.errors.map(describeIssue);
}

const workers = (d: Manifest[]) => at(manifest(d, 'MachineHealthCheck', 'demo-workers'), 'spec');
const controlPlane = (d: Manifest[]) => at(manifest(d, 'MachineHealthCheck', 'demo-control-plane'), 'spec');
const annotate = (d: Manifest[], value: string): void => {
  manifest(d, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/observe-interval': value };
};

describe('MachineHealthChecks', () => {
  it("become the cluster's health checks, by name, with durations in seconds and CAPI's defaults", () => {
    expect(desiredOf(withHealthChecks()).healthChecks).toEqual([
      {
        name: 'demo-control-plane',
        selector: {
          matchLabels: { 'cluster.x-k8s.io/cluster-name': 'demo' },
          matchExpressions: [{ key: 'cluster.x-k8s.io/control-plane', operator: 'Exists', values: [] }],
        },
        unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeoutSeconds: 90 }],
        maxUnhealthy: '100%',
        unhealthyRange: { min: 1, max: 1 },
        nodeStartupTimeoutSeconds: 600,
      },
      {
        name: 'demo-workers',
        selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'demo-md-0' }, matchExpressions: [] },
        unhealthyConditions: [
          { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 },
          { type: 'Ready', status: 'False', timeoutSeconds: 300 },
        ],
        maxUnhealthy: '40%',
        nodeStartupTimeoutSeconds: 1200,
      },
    ]);
  });

  it("are none when no MachineHealthCheck names the cluster, and another cluster's are left out", () => {
    expect(desiredOf(demoManifests()).healthChecks).toEqual([]);
    const documents = withHealthChecks();
    workers(documents).clusterName = 'other';
    expect(desiredOf(documents).healthChecks.map((c) => c.name)).toEqual(['demo-control-plane']);
  });

  it.each<[string, (d: Manifest[]) => void, Partial<DesiredCluster['healthChecks'][number]>]>([
    [
      'a count for maxUnhealthy',
      (d) => {
        workers(d).maxUnhealthy = 2;
      },
      { maxUnhealthy: 2 },
    ],
    [
      'a nodeStartupTimeout of 0 (no startup check)',
      (d) => {
        workers(d).nodeStartupTimeout = '0';
      },
      { nodeStartupTimeoutSeconds: 0 },
    ],
    [
      'the smallest nodeStartupTimeout, 30s',
      (d) => {
        workers(d).nodeStartupTimeout = '30s';
      },
      { nodeStartupTimeoutSeconds: 30 },
    ],
    [
      'an unhealthyRange starting at 0',
      (d) => {
        workers(d).unhealthyRange = '[0-2]';
      },
      { unhealthyRange: { min: 0, max: 2 } },
    ],
    [
      'no unhealthyConditions (only startup and deleted Nodes count)',
      (d) => {
        delete workers(d).unhealthyConditions;
      },
      { unhealthyConditions: [] },
    ],
  ])('map %s', (_name, edit, expected) => {
    const documents = withHealthChecks();
    edit(documents);
    expect(desiredOf(documents).healthChecks.find((c) => c.name === 'demo-workers')).toMatchObject(expected);
  });

  it.each<[string, (d: Manifest[]) => void, string]>([
    [
      'an external remediation template',
      (d) => {
        workers(d).remediationTemplate = {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'Metal3RemediationTemplate',
          name: 'reboot',
        };
      },
      'MachineHealthCheck default/demo-workers spec.remediationTemplate: external remediation is not supported: Capstan remediates by itself (workers by replacement, control-plane machines one at a time while etcd keeps quorum); remove remediationTemplate',
    ],
    [
      'an unhealthyRange whose minimum is above its maximum',
      (d) => {
        workers(d).unhealthyRange = '[3-1]';
      },
      'MachineHealthCheck default/demo-workers spec.unhealthyRange: must be [min-max] with min not above max, not [3-1]',
    ],
    [
      'an unhealthyRange that is not a range',
      (d) => {
        workers(d).unhealthyRange = '1-3';
      },
      'MachineHealthCheck default/demo-workers spec.unhealthyRange: must be [min-max], e.g. [1-3]',
    ],
    [
      'a nodeStartupTimeout under 30s',
      (d) => {
        workers(d).nodeStartupTimeout = '10s';
      },
      'MachineHealthCheck default/demo-workers spec.nodeStartupTimeout: must be 0 (no startup check) or at least 30s, not 10s: a Talos VM needs longer than that to boot and join',
    ],
    [
      'a nodeStartupTimeout that is no duration',
      (d) => {
        workers(d).nodeStartupTimeout = 'ten minutes';
      },
      'MachineHealthCheck default/demo-workers spec.nodeStartupTimeout: must be a duration like 90s or 10m',
    ],
    [
      'a condition timeout that is no duration',
      (d) => {
        (workers(d).unhealthyConditions as { timeout: string }[])[1]!.timeout = '5 minutes';
      },
      'MachineHealthCheck default/demo-workers spec.unhealthyConditions[1].timeout: must be a duration like 90s or 10m',
    ],
    [
      'a condition status a Node cannot have',
      (d) => {
        (workers(d).unhealthyConditions as { status: string }[])[0]!.status = 'Maybe';
      },
      'MachineHealthCheck default/demo-workers spec.unhealthyConditions[0].status: must be True, False or Unknown, not Maybe',
    ],
    [
      'a maxUnhealthy that is neither a count nor a percentage',
      (d) => {
        workers(d).maxUnhealthy = 'half';
      },
      'MachineHealthCheck default/demo-workers spec.maxUnhealthy: must be a count (0 or more) or a percentage like 40%, not half',
    ],
    [
      'a negative maxUnhealthy',
      (d) => {
        workers(d).maxUnhealthy = -1;
      },
      'MachineHealthCheck default/demo-workers spec.maxUnhealthy: must be a count (0 or more) or a percentage like 40%, not -1',
    ],
    [
      'an empty selector',
      (d) => {
        workers(d).selector = {};
      },
      'MachineHealthCheck default/demo-workers spec.selector: must not be empty: select the Machines to watch, e.g. matchLabels {cluster.x-k8s.io/cluster-name: demo}',
    ],
    [
      "a selector naming another cluster's Machines",
      (d) => {
        workers(d).selector = { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'prod' } };
      },
      "MachineHealthCheck default/demo-workers spec.selector.matchLabels[cluster.x-k8s.io/cluster-name]: must be demo, as spec.clusterName: a MachineHealthCheck watches one cluster's Machines",
    ],
    [
      'a selector operator Kubernetes does not have',
      (d) => {
        (controlPlane(d).selector as { matchExpressions: { operator: string }[] }).matchExpressions[0]!.operator = 'Matches';
      },
      'MachineHealthCheck default/demo-control-plane spec.selector.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, not Matches',
    ],
    [
      'an In without values',
      (d) => {
        (controlPlane(d).selector as { matchExpressions: { operator: string }[] }).matchExpressions[0]!.operator = 'In';
      },
      'MachineHealthCheck default/demo-control-plane spec.selector.matchExpressions[0].values: must not be empty for operator In',
    ],
    [
      'a MachineHealthCheck without a selector',
      (d) => {
        delete workers(d).selector;
      },
      'MachineHealthCheck default/demo-workers spec.selector: is required',
    ],
    [
      'an observe interval that is no duration',
      (d) => {
        annotate(d, 'often');
      },
      'Cluster default/demo metadata.annotations[capstan.dev/observe-interval]: must be a duration like 30s or 2m, not often',
    ],
    [
      'an observe interval under 5 seconds',
      (d) => {
        annotate(d, '2s');
      },
      'Cluster default/demo metadata.annotations[capstan.dev/observe-interval]: must be at least 5s, not 2s: every observation reads Proxmox, Talos and the workload cluster',
    ],
  ])('refuse %s, naming the object and field', (_name, edit, expected) => {
    const documents = withHealthChecks();
    edit(documents);
    expect(errorsOf(documents)).toEqual([expected]);
  });
});

describe("the Cluster's timings", () => {
  it.each([
    [undefined, 60],
    ['30s', 30],
    ['2m', 120],
    ['5s', 5],
    ['1h', 3600],
  ])('capstan.dev/observe-interval %s observes every %i s', (annotation, seconds) => {
    const documents = demoManifests();
    if (annotation !== undefined) annotate(documents, annotation);
    expect(desiredOf(documents).observeIntervalSeconds).toBe(seconds);
  });

  it.each([
    [undefined, 600],
    ['0', 0],
    ['1h', 3600],
  ])('capstan.dev/stray-vm-grace %s keeps a stray VM %i s', (annotation, seconds) => {
    const documents = demoManifests();
    if (annotation !== undefined)
      manifest(documents, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/stray-vm-grace': annotation };
    expect(desiredOf(documents).strayVmGraceSeconds).toBe(seconds);
  });

  it('refuses a stray-VM grace that is no duration', () => {
    const documents = demoManifests();
    manifest(documents, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/stray-vm-grace': 'a while' };
    expect(errorsOf(documents)).toEqual([
      'Cluster default/demo metadata.annotations[capstan.dev/stray-vm-grace]: must be a duration like 10m or 1h, not a while',
    ]);
  });
});
