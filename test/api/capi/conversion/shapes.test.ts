import { describe, expect, it } from 'vitest';
import { conversionDataAnnotation } from '../../../../api/capi/conversion/conversion-data.ts';
import { convertObject } from '../../../../api/capi/conversion/convert.ts';
import { MachineDeployment } from '../../../../api/capi/machine-deployment.ts';
import { MachineHealthCheck } from '../../../../api/capi/machine-health-check.ts';
import { MachineHealthCheckV1Beta2 } from '../../../../api/capi/v1beta2/machine-health-check.ts';
import type { ObjectMeta } from '../../../../api/capi/meta.ts';
import { ClusterV1Beta2 } from '../../../../api/capi/v1beta2/cluster.ts';
import { MachineDeploymentV1Beta2 } from '../../../../api/capi/v1beta2/machine-deployment.ts';
import {
  busyMachineDeploymentV1Beta1,
  documentOf,
  healthCheckV1Beta1,
  healthCheckV1Beta2,
  machineDeploymentV1Beta2,
  provisionedClusterV1Beta1,
} from './objects.ts';

const v1beta1 = 'cluster.x-k8s.io/v1beta1';
const v1beta2 = 'cluster.x-k8s.io/v1beta2';

const clusterUp = (object: unknown): ClusterV1Beta2 => ClusterV1Beta2.parse(convertObject(object, v1beta2));
const mdUp = (object: unknown): MachineDeploymentV1Beta2 => MachineDeploymentV1Beta2.parse(convertObject(object, v1beta2));
const mdDown = (object: unknown): MachineDeployment => MachineDeployment.parse(convertObject(object, v1beta1));
const kept = (object: { metadata: ObjectMeta }): unknown => JSON.parse(object.metadata.annotations?.[conversionDataAnnotation] ?? 'null');

describe('v1beta1 → v1beta2', () => {
  it('turns references into group, kind and name, and keeps their version and namespace in the conversion data', () => {
    const cluster = clusterUp(provisionedClusterV1Beta1());
    expect(cluster.spec.controlPlaneRef).toStrictEqual({
      apiGroup: 'controlplane.cluster.x-k8s.io',
      kind: 'TalosControlPlane',
      name: 'prod-cp',
    });
    expect(cluster.spec.infrastructureRef).toStrictEqual({
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'ProxmoxCluster',
      name: 'prod',
    });
    expect(kept(cluster)).toStrictEqual({
      spec: {
        controlPlaneRef: {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
          kind: 'TalosControlPlane',
          name: 'prod-cp',
          namespace: 'fleet',
        },
        infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxCluster', name: 'prod' },
      },
    });
    expect(cluster.metadata.annotations?.['capstan.dev/version-catalog']).toBe('catalog');
  });

  it('writes no conversion data for the demo Cluster, whose references name the versions Capstan serves', () => {
    expect(clusterUp(documentOf('examples/demo/cluster.yaml', 'Cluster')).metadata.annotations).toBeUndefined();
  });

  it('moves v1beta1 conditions under deprecated.v1beta1 and shows them as metav1 conditions (no severity, a reason always)', () => {
    const status = clusterUp(provisionedClusterV1Beta1()).status;
    expect(status?.deprecated?.v1beta1?.conditions).toHaveLength(3);
    expect(status?.conditions).toStrictEqual([
      { type: 'Ready', status: 'True', reason: 'True', message: '', lastTransitionTime: '2026-12-05T10:00:00Z' },
      { type: 'RollingOut', status: 'False', reason: 'NotRollingOut', message: '', lastTransitionTime: '2026-12-05T10:00:00Z' },
      // A free-text reason does not fit metav1's pattern: the status stands in for it.
      { type: 'EtcdBackedUp', status: 'False', reason: 'False', message: 'newest is 3h old', lastTransitionTime: '2026-12-05T10:00:00Z' },
    ]);
    expect(status?.initialization).toStrictEqual({ infrastructureProvisioned: true, controlPlaneInitialized: true });
    expect(status?.failureDomains).toStrictEqual([
      { name: 'pve1', controlPlane: true, attributes: { rack: 'a' } },
      { name: 'pve2', controlPlane: true },
    ]);
    expect(status?.operation?.name).toBe('upgrade');
  });

  it('splits a MachineDeployment strategy into rollout, remediation and deletion, and timeouts into seconds', () => {
    const md = mdUp(busyMachineDeploymentV1Beta1());
    expect(md.spec.rollout).toStrictEqual({
      after: '2026-12-06T00:00:00Z',
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    });
    expect(md.spec.remediation).toStrictEqual({ maxInFlight: 2 });
    expect(md.spec.deletion).toStrictEqual({ order: 'Oldest' });
    expect(md.spec.template.spec.minReadySeconds).toBe(30);
    expect(md.spec.template.spec.deletion).toStrictEqual({
      nodeDrainTimeoutSeconds: 3600,
      nodeVolumeDetachTimeoutSeconds: 1,
      nodeDeletionTimeoutSeconds: 300,
    });
    expect(md.spec).not.toHaveProperty('strategy');
    expect(md.spec).not.toHaveProperty('revisionHistoryLimit');
    expect(kept(md)).toStrictEqual({
      spec: {
        revisionHistoryLimit: 3,
        progressDeadlineSeconds: 600,
        template: {
          spec: {
            infrastructureRef: {
              apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
              kind: 'ProxmoxMachineTemplate',
              name: 'prod-workers',
              uid: '6c1b7f2e-0000-4000-8000-000000000002',
            },
            // `5m0s` is how Go prints 300 s: nothing to keep for it.
            nodeDrainTimeout: '1h',
            nodeVolumeDetachTimeout: '1.5s',
          },
        },
      },
    });
  });

  it("puts v1beta2's replica counts on top and v1beta1's under deprecated.v1beta1", () => {
    const status = mdUp(busyMachineDeploymentV1Beta1()).status;
    expect(status).toMatchObject({ replicas: 5, readyReplicas: 4, availableReplicas: 4, upToDateReplicas: 3 });
    expect(status?.deprecated?.v1beta1).toMatchObject({
      updatedReplicas: 3,
      readyReplicas: 4,
      availableReplicas: 4,
      unavailableReplicas: 1,
    });
    expect(status?.conditions).toStrictEqual([
      {
        type: 'Available',
        status: 'True',
        reason: 'Available',
        message: '',
        lastTransitionTime: '2026-12-05T10:00:00Z',
        observedGeneration: 7,
      },
    ]);
  });
});

describe('MachineHealthCheck', () => {
  it('v1beta1 → v1beta2 groups the checks and the trigger, in seconds, keeping the durations as written', () => {
    const mhc = MachineHealthCheckV1Beta2.parse(convertObject(healthCheckV1Beta1('demo-workers'), v1beta2));
    expect(mhc.spec.checks).toStrictEqual({
      nodeStartupTimeoutSeconds: 1200,
      unhealthyNodeConditions: [
        { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 },
        { type: 'Ready', status: 'False', timeoutSeconds: 300 },
      ],
    });
    expect(mhc.spec.remediation).toStrictEqual({ triggerIf: { unhealthyLessThanOrEqualTo: '40%' } });
    expect(kept(mhc)).toStrictEqual({ spec: { nodeStartupTimeout: '20m', unhealthyConditionTimeouts: ['300s', '5m'] } });
  });

  it('v1beta2 → v1beta1 keeps machine conditions, which Capstan v1beta1 has no field for, in the conversion data', () => {
    const mhc = MachineHealthCheck.parse(convertObject(healthCheckV1Beta2(), v1beta1));
    expect(mhc.spec).toStrictEqual({
      clusterName: 'edge',
      selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'edge-md-0' } },
      nodeStartupTimeout: '15m0s',
      unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeout: '5m0s' }],
      maxUnhealthy: 1,
      unhealthyRange: '[1-2]',
    });
    expect(kept(mhc)).toStrictEqual({
      spec: { checks: { unhealthyMachineConditions: [{ type: 'NodeHealthy', status: 'False', timeoutSeconds: 120 }] } },
    });
  });
});

describe('v1beta2 → v1beta1', () => {
  it('folds rollout, remediation and deletion back into strategy, prints seconds as Go durations, keeps the rest', () => {
    const md = mdDown(machineDeploymentV1Beta2());
    expect(md.spec.strategy).toStrictEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: '10%', deletePolicy: 'Newest' },
      remediation: { maxInFlight: '50%' },
    });
    expect(md.spec.minReadySeconds).toBe(10);
    expect(md.spec.rolloutAfter).toBe('2026-12-07T00:00:00Z');
    expect(md.spec.template.spec.nodeDrainTimeout).toBe('1m30s');
    expect(md.spec.template.spec.nodeDeletionTimeout).toBe('0s');
    expect(md.spec.template.spec.infrastructureRef).toStrictEqual({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
      kind: 'ProxmoxMachineTemplate',
      name: 'edge-workers',
    });
    expect(kept(md)).toStrictEqual({
      spec: {
        machineNaming: { template: '{{ .machineSet.name }}-{{ .random }}' },
        template: {
          spec: {
            readinessGates: [{ conditionType: 'CNIReady', polarity: 'Positive' }],
            taints: [{ key: 'dedicated', value: 'edge', effect: 'NoSchedule', propagation: 'Always' }],
          },
        },
      },
    });
  });

  it('does not bring back a kept duration or reference that a v1beta2 writer has changed since', () => {
    const stored = mdUp(busyMachineDeploymentV1Beta1());
    const machine = stored.spec.template.spec;
    machine.deletion = { ...machine.deletion, nodeDrainTimeoutSeconds: 120 };
    machine.infrastructureRef = { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxMachineTemplate', name: 'prod-workers-v2' };
    const md = mdDown(stored);
    expect(md.spec.template.spec.nodeDrainTimeout).toBe('2m0s');
    expect(md.spec.template.spec.infrastructureRef).toStrictEqual({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
      kind: 'ProxmoxMachineTemplate',
      name: 'prod-workers-v2',
    });
    // Unchanged seconds: the duration as it was written.
    expect(md.spec.template.spec.nodeVolumeDetachTimeout).toBe('1.5s');
    expect(md.spec.revisionHistoryLimit).toBe(3);
  });

  it('drops the conversion data a v1beta1 object carried once it is converted up', () => {
    const md = mdUp(mdDown(machineDeploymentV1Beta2()));
    expect(md.metadata.annotations).toBeUndefined();
  });
});
