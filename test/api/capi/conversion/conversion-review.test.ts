import { describe, expect, it } from 'vitest';
import { Cluster } from '../../../../api/capi/cluster.ts';
import { answerConversionReview } from '../../../../api/capi/conversion/conversion-review.ts';
import { clusterV1Beta2, documentOf, machineDeploymentV1Beta2 } from './objects.ts';

const review = (desiredAPIVersion: string, objects: unknown[]) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'ConversionReview',
  request: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', desiredAPIVersion, objects },
});

describe('answerConversionReview', () => {
  it('converts every object and echoes the uid', () => {
    const answer = answerConversionReview(review('cluster.x-k8s.io/v1beta1', [clusterV1Beta2(), machineDeploymentV1Beta2()]));
    expect(answer.code).toBe(200);
    if (answer.code !== 200) return;
    expect(answer.body.response.uid).toBe('705ab4f5-6393-11e8-b7cc-42010a800002');
    expect(answer.body.response.result).toStrictEqual({ status: 'Success' });
    expect(
      answer.body.response.convertedObjects.map((o) => [(o as { kind: string }).kind, (o as { apiVersion: string }).apiVersion]),
    ).toStrictEqual([
      ['Cluster', 'cluster.x-k8s.io/v1beta1'],
      ['MachineDeployment', 'cluster.x-k8s.io/v1beta1'],
    ]);
  });

  it('fails the whole review naming the object and the field when one object cannot be converted', () => {
    const broken = Cluster.parse(documentOf('examples/demo/cluster.yaml', 'Cluster'));
    broken.spec = { ...broken.spec, infrastructureRef: { apiVersion: 'v1alpha1', kind: 'ProxmoxCluster', name: 'demo' } };
    const answer = answerConversionReview(
      review('cluster.x-k8s.io/v1beta2', [documentOf('examples/demo/cluster.yaml', 'MachineDeployment'), broken]),
    );
    expect(answer).toStrictEqual({
      code: 200,
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'ConversionReview',
        response: {
          uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
          result: {
            status: 'Failure',
            message:
              'cannot convert Cluster default/demo (cluster.x-k8s.io/v1beta1) to cluster.x-k8s.io/v1beta2: spec.infrastructureRef.apiVersion: must be group/version (like infrastructure.cluster.x-k8s.io/v1alpha1) to convert to v1beta2, which keeps the group',
          },
          convertedObjects: [],
        },
      },
    });
  });

  it('answers 400 to a body that is not a ConversionReview', () => {
    expect(answerConversionReview({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })).toStrictEqual({
      code: 400,
      message: 'not an apiextensions.k8s.io/v1 ConversionReview: apiVersion Invalid input: expected "apiextensions.k8s.io/v1"',
    });
  });
});
