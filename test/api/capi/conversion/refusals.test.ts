import { describe, expect, it } from 'vitest';
import { conversionDataAnnotation } from '../../../../api/capi/conversion/conversion-data.ts';
import { ConversionError } from '../../../../api/capi/conversion/conversion-error.ts';
import { convertObject } from '../../../../api/capi/conversion/convert.ts';
import { Cluster } from '../../../../api/capi/cluster.ts';
import { busyMachineDeploymentV1Beta1, clusterV1Beta2, documentOf, machineDeploymentV1Beta2 } from './objects.ts';

const v1beta1 = 'cluster.x-k8s.io/v1beta1';
const v1beta2 = 'cluster.x-k8s.io/v1beta2';

function refusal(object: unknown, version: string): ConversionError {
  try {
    convertObject(object, version);
  } catch (error) {
    if (error instanceof ConversionError) return error;
    throw error;
  }
  throw new Error('the conversion was not refused');
}

describe('conversions that cannot be made say which field and why', () => {
  it('a v1beta1 reference without a kind', () => {
    const cluster = Cluster.parse(documentOf('examples/demo/cluster.yaml', 'Cluster'));
    cluster.spec.controlPlaneRef = { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3', name: 'demo-control-plane' };
    expect(refusal(cluster, v1beta2).message).toBe('spec.controlPlaneRef.kind: is required to convert to v1beta2');
  });

  it('a v1beta1 reference whose apiVersion has no group', () => {
    const md = busyMachineDeploymentV1Beta1();
    md.spec.template.spec.bootstrap.configRef = { apiVersion: 'v1alpha3', kind: 'TalosConfigTemplate', name: 'prod-workers' };
    expect(refusal(md, v1beta2).field).toBe('spec.template.spec.bootstrap.configRef.apiVersion');
  });

  it('a v1beta2 reference to a group Capstan does not serve, whose v1beta1 version is unknown', () => {
    const cluster = clusterV1Beta2();
    cluster.spec.infrastructureRef = { apiGroup: 'infrastructure.example.com', kind: 'ProxmoxCluster', name: 'edge' };
    const error = refusal(cluster, v1beta1);
    expect(error.field).toBe('spec.infrastructureRef.apiGroup');
    expect(error.message).toContain('"infrastructure.example.com" is not a provider group Capstan serves');
  });

  it('a duration that is not one', () => {
    const md = busyMachineDeploymentV1Beta1();
    md.spec.template.spec.nodeDrainTimeout = '10 minutes';
    // The schema's pattern refuses it before the conversion reads it.
    expect(refusal(md, v1beta2).field).toBe('spec.template.spec.nodeDrainTimeout');
  });

  it('a remediation maxInFlight that is neither a count nor a percentage', () => {
    const md = busyMachineDeploymentV1Beta1();
    md.spec.strategy = { ...md.spec.strategy, remediation: { maxInFlight: 'half' } };
    expect(refusal(md, v1beta2).message).toBe('spec.strategy.remediation.maxInFlight: "half" is not a count or a percentage like 25%');
  });

  it('conversion data that is not JSON', () => {
    const md = machineDeploymentV1Beta2();
    md.metadata.annotations = { [conversionDataAnnotation]: '{broken' };
    expect(refusal(md, v1beta1).field).toBe(`metadata.annotations[${conversionDataAnnotation}]`);
  });

  it('a v1beta2 condition without a reason', () => {
    const cluster = clusterV1Beta2();
    const [available, ...others] = cluster.status?.conditions ?? [];
    if (!available) throw new Error('the fixture has conditions');
    const withoutReason: Partial<typeof available> = { ...available };
    delete withoutReason.reason;
    const written = { ...cluster, status: { ...cluster.status, conditions: [withoutReason, ...others] } };
    expect(refusal(written, v1beta1).field).toBe('status.conditions.0.reason');
  });

  it('a kind or version the webhook does not convert', () => {
    expect(refusal({ apiVersion: v1beta1, kind: 'ClusterClass', metadata: { name: 'c' } }, v1beta2).message).toBe(
      'kind: "ClusterClass" is not converted (only Cluster, MachineDeployment, MachineHealthCheck, MachineSet, Machine)',
    );
    expect(refusal(clusterV1Beta2(), 'cluster.x-k8s.io/v1alpha4').field).toBe('desiredAPIVersion');
  });
});
