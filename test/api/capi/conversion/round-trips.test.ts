import { describe, expect, it } from 'vitest';
import { convertObject } from '../../../../api/capi/conversion/convert.ts';
import {
  busyMachineDeploymentV1Beta1,
  clusterV1Beta2,
  documentOf,
  healthCheckV1Beta1,
  healthCheckV1Beta2,
  machineDeploymentV1Beta2,
  machineSetV1Beta1,
  machineSetV1Beta2,
  machineV1Beta2,
  observedMachineV1Beta1,
  provisionedClusterV1Beta1,
  remediatingHealthCheckV1Beta1,
} from './objects.ts';

const v1beta1 = 'cluster.x-k8s.io/v1beta1';
const v1beta2 = 'cluster.x-k8s.io/v1beta2';

const writtenInV1Beta1: ReadonlyArray<[string, () => unknown]> = [
  ['the demo Cluster', () => documentOf('examples/demo/cluster.yaml', 'Cluster')],
  ['the demo MachineDeployment (nodeDrainTimeout 2m)', () => documentOf('examples/demo/cluster.yaml', 'MachineDeployment')],
  ['a Cluster with a ClusterClass topology', () => documentOf('test/api/capi/fixtures/unsupported-fields.yaml', 'Cluster')],
  [
    'a MachineDeployment with no strategy and no replicas',
    () => documentOf('test/api/capi/fixtures/unsupported-fields.yaml', 'MachineDeployment'),
  ],
  ['a provisioned Cluster with Capstan status, failure domains and referenced namespaces', provisionedClusterV1Beta1],
  ['a MachineDeployment with every strategy field, odd durations and a v1beta2 status preview', busyMachineDeploymentV1Beta1],
  [
    'a MachineDeployment whose status has only v1beta1 counts',
    () => ({ ...busyMachineDeploymentV1Beta1(), status: { replicas: 1, unavailableReplicas: 1 } }),
  ],
  ['the demo workers MachineHealthCheck (timeouts 300s, 5m, 20m)', () => healthCheckV1Beta1('demo-workers')],
  ['the demo control-plane MachineHealthCheck (unhealthyRange, matchExpressions)', () => healthCheckV1Beta1('demo-control-plane')],
  ['a MachineHealthCheck with a status and a remediation template in another namespace', remediatingHealthCheckV1Beta1],
  ["a Machine as Capstan's observer reports it (node reference with uid)", observedMachineV1Beta1],
  ['a MachineSet as Capstan writes it for a revision', machineSetV1Beta1],
];

const writtenInV1Beta2: ReadonlyArray<[string, () => unknown]> = [
  ['a Cluster with a classRef topology and CAPI v1beta2 status', clusterV1Beta2],
  ['a MachineDeployment with readiness gates, taints, machine naming and deletion order', machineDeploymentV1Beta2],
  ['a MachineHealthCheck with machine conditions and a range trigger', healthCheckV1Beta2],
  ['a Machine with minReadySeconds, taints and a bootstrap data secret', machineV1Beta2],
  ['a MachineSet with machine naming, a deletion order and up-to-date counts', machineSetV1Beta2],
  ['a Cluster whose status has only a phase', () => ({ ...clusterV1Beta2(), status: { phase: 'Pending' as const } })],
  [
    'a MachineDeployment whose status has only v1beta2 counts',
    () => ({ ...machineDeploymentV1Beta2(), status: { replicas: 2, upToDateReplicas: 1 } }),
  ],
];

describe('cluster.x-k8s.io conversion', () => {
  it.each(writtenInV1Beta1)('v1beta1 → v1beta2 → v1beta1 gives back %s unchanged', (_name, make) => {
    const original = make();
    const up = convertObject(structuredClone(original), v1beta2);
    expect(up.apiVersion).toBe(v1beta2);
    expect(convertObject(up, v1beta1)).toStrictEqual(original);
  });

  it.each(writtenInV1Beta2)('v1beta2 → v1beta1 → v1beta2 gives back %s unchanged', (_name, make) => {
    const original = make();
    const down = convertObject(structuredClone(original), v1beta1);
    expect(down.apiVersion).toBe(v1beta1);
    expect(convertObject(down, v1beta2)).toStrictEqual(original);
  });

  it('leaves an object already in the desired version as it is', () => {
    const cluster = clusterV1Beta2();
    expect(convertObject(cluster, v1beta2)).toBe(cluster);
  });
});
