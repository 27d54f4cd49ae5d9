import { describe, expect, it } from 'vitest';
import { Cluster } from '../../../../api/capi/cluster.ts';
import { conversionDataAnnotation } from '../../../../api/capi/conversion/conversion-data.ts';
import { ConversionError } from '../../../../api/capi/conversion/conversion-error.ts';
import { convertObject } from '../../../../api/capi/conversion/convert.ts';
import { ClusterV1Beta2 } from '../../../../api/capi/v1beta2/cluster.ts';
import { topologyV1Beta1, topologyV1Beta2 } from './objects.ts';

const v1beta1 = 'cluster.x-k8s.io/v1beta1';
const v1beta2 = 'cluster.x-k8s.io/v1beta2';

const metadata = { name: 'edge', namespace: 'default' };

const clusterV1Beta1 = (topology: object) => Cluster.parse({ apiVersion: v1beta1, kind: 'Cluster', metadata, spec: { topology } });
const clusterV1Beta2 = (topology: object) => ClusterV1Beta2.parse({ apiVersion: v1beta2, kind: 'Cluster', metadata, spec: { topology } });

function refusal(object: unknown, version: string): ConversionError {
  try {
    convertObject(object, version);
  } catch (error) {
    if (error instanceof ConversionError) return error;
    throw error;
  }
  throw new Error('the conversion was not refused');
}

describe('Cluster topology between v1beta1 and v1beta2', () => {
  it('renames every field up, with nothing kept when Go prints the durations as written', () => {
    const up = convertObject(clusterV1Beta1(topologyV1Beta1()), v1beta2) as ClusterV1Beta2;
    expect(up.spec.topology).toStrictEqual(topologyV1Beta2());
    expect(up.metadata.annotations).toBeUndefined();
  });

  it('renames every field down', () => {
    const down = convertObject(clusterV1Beta2(topologyV1Beta2()), v1beta1) as Cluster;
    expect(down.spec.topology).toStrictEqual(topologyV1Beta1());
    expect(down.metadata.annotations).toBeUndefined();
  });

  it('v1beta1 → v1beta2 → v1beta1 keeps rolloutAfter, durations as written, a namespaced template and extra remediation fields', () => {
    const topology = topologyV1Beta1();
    const md = topology.workers.machineDeployments[0]!;
    const original = clusterV1Beta1({
      ...topology,
      rolloutAfter: '2026-01-01T00:00:00Z',
      controlPlane: { ...topology.controlPlane, nodeDrainTimeout: '300s', nodeDeletionTimeout: '1.5s' },
      workers: {
        machineDeployments: [
          {
            ...md,
            strategy: { ...md.strategy, remediation: { maxInFlight: 1, note: 'kept' } },
            machineHealthCheck: {
              unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeout: '90s' }],
              remediationTemplate: { ...md.machineHealthCheck.remediationTemplate, namespace: 'ops' },
            },
          },
        ],
      },
    });
    const up = convertObject(structuredClone(original), v1beta2) as ClusterV1Beta2;
    expect(up.spec.topology?.controlPlane?.deletion).toStrictEqual({
      nodeDrainTimeoutSeconds: 300,
      nodeVolumeDetachTimeoutSeconds: 60,
      nodeDeletionTimeoutSeconds: 1,
    });
    expect(up.spec.topology).not.toHaveProperty('rolloutAfter');
    expect(JSON.parse(up.metadata.annotations?.[conversionDataAnnotation] ?? '{}')).toStrictEqual({
      spec: {
        topology: {
          rolloutAfter: '2026-01-01T00:00:00Z',
          durations: {
            'controlPlane.nodeDrainTimeout': '300s',
            'controlPlane.nodeDeletionTimeout': '1.5s',
            'workers.machineDeployments.0.machineHealthCheck.unhealthyConditions.0.timeout': '90s',
          },
          remediationTemplates: {
            'workers.machineDeployments.0.machineHealthCheck': { ...md.machineHealthCheck.remediationTemplate, namespace: 'ops' },
          },
          strategyRemediations: { 'workers.machineDeployments.0': { maxInFlight: 1, note: 'kept' } },
        },
      },
    });
    expect(convertObject(up, v1beta1)).toStrictEqual(original);
  });

  it('v1beta2 → v1beta1 → v1beta2 gives the topology back unchanged', () => {
    const original = clusterV1Beta2(topologyV1Beta2());
    const down = convertObject(structuredClone(original), v1beta1);
    expect(convertObject(down, v1beta2)).toStrictEqual(original);
  });

  it('a v1beta2 health check holding only maxInFlight goes down as strategy.remediation alone, and comes back', () => {
    const topology = topologyV1Beta2();
    const md = { class: 'default-worker', name: 'md-0', healthCheck: { remediation: { maxInFlight: '50%' } } };
    const original = clusterV1Beta2({ ...topology, workers: { machineDeployments: [md] } });
    const down = convertObject(structuredClone(original), v1beta1) as Cluster;
    expect(down.spec.topology?.workers?.machineDeployments?.[0]).toStrictEqual({
      class: 'default-worker',
      name: 'md-0',
      strategy: { remediation: { maxInFlight: '50%' } },
    });
    expect(convertObject(down, v1beta2)).toStrictEqual(original);
  });

  it('a changed duration is written as Go prints it, not as the kept text', () => {
    const original = clusterV1Beta1({ ...topologyV1Beta1(), controlPlane: { nodeDrainTimeout: '300s' } });
    const up = convertObject(original, v1beta2) as ClusterV1Beta2;
    const edited = {
      ...up,
      spec: { ...up.spec, topology: { ...up.spec.topology!, controlPlane: { deletion: { nodeDrainTimeoutSeconds: 90 } } } },
    };
    const down = convertObject(edited, v1beta1) as Cluster;
    expect(down.spec.topology?.controlPlane).toStrictEqual({ nodeDrainTimeout: '1m30s' });
  });
});

describe('topology conversions that cannot be made name the field', () => {
  it('a health-check duration that is not one', () => {
    const topology = topologyV1Beta1();
    const cluster = clusterV1Beta1({ ...topology, controlPlane: { machineHealthCheck: { nodeStartupTimeout: 'ten minutes' } } });
    const error = refusal(cluster, v1beta2);
    expect(error.field).toBe('spec.topology.controlPlane.machineHealthCheck.nodeStartupTimeout');
    expect(error.message).toContain('must be a duration like 90s or 10m');
  });

  it('a health-check field v1beta1 does not define', () => {
    const cluster = clusterV1Beta1({ ...topologyV1Beta1(), controlPlane: { machineHealthCheck: { maxUnhealty: 1 } } });
    expect(refusal(cluster, v1beta2).field).toBe('spec.topology.controlPlane.machineHealthCheck');
  });

  it('a remediation template without a kind', () => {
    const md = { class: 'default-worker', name: 'md-0', machineHealthCheck: { remediationTemplate: { apiVersion: 'x.io/v1', name: 'r' } } };
    const cluster = clusterV1Beta1({ ...topologyV1Beta1(), workers: { machineDeployments: [md] } });
    expect(refusal(cluster, v1beta2).message).toBe(
      'spec.topology.workers.machineDeployments.0.machineHealthCheck.remediationTemplate: needs apiVersion and kind to convert to v1beta2',
    );
  });

  it('a maxInFlight that is neither a count nor a percentage', () => {
    const md = { class: 'default-worker', name: 'md-0', strategy: { remediation: { maxInFlight: 'half' } } };
    const cluster = clusterV1Beta1({ ...topologyV1Beta1(), workers: { machineDeployments: [md] } });
    expect(refusal(cluster, v1beta2).field).toBe('spec.topology.workers.machineDeployments.0.strategy.remediation.maxInFlight');
  });

  it('a variable discovered from a runtime extension (definitionFrom), which v1beta2 removed', () => {
    const cluster = clusterV1Beta1({ ...topologyV1Beta1(), variables: [{ name: 'cni', definitionFrom: 'ext', value: 'cilium' }] });
    expect(refusal(cluster, v1beta2).field).toBe('spec.topology.variables.0.definitionFrom');
  });
});
