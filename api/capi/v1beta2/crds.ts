import { clusterCrd } from '../cluster.ts';
import { capiStorageVersion } from '../groups.ts';
import { machineDeploymentCrd } from '../machine-deployment.ts';
import { withConversionWebhook, type ConversionWebhookClient, type CrdManifest, type CrdVersionDefinition } from '../../crd/define-crd.ts';
import { ClusterResourceV1Beta2 } from './cluster.ts';
import { MachineDeploymentResourceV1Beta2 } from './machine-deployment.ts';
import { MachineHealthCheckResourceV1Beta2 } from './machine-health-check.ts';
import { machineHealthCheckCrd } from '../machine-health-check.ts';

/** v1beta2 Cluster: the same columns as v1beta1's (phase and version kept their places). */
const clusterV1Beta2: CrdVersionDefinition = {
  name: capiStorageVersion,
  schema: ClusterResourceV1Beta2,
  printerColumns: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Cluster lifecycle phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Version', type: 'string', jsonPath: '.status.version', description: 'Kubernetes version of the control plane' },
    { name: 'Operation', type: 'string', jsonPath: '.status.operation.name', priority: 1 },
    { name: 'Step', type: 'string', jsonPath: '.status.operation.step', priority: 1 },
  ],
};

/** v1beta2 MachineDeployment: up-to-date replaces updated, unavailable moved under deprecated.v1beta1. */
const machineDeploymentV1Beta2: CrdVersionDefinition = {
  name: capiStorageVersion,
  schema: MachineDeploymentResourceV1Beta2,
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName' },
    { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', priority: 10 },
    { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
    { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
    { name: 'Up-to-date', type: 'integer', jsonPath: '.status.upToDateReplicas' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Version', type: 'string', jsonPath: '.spec.template.spec.version' },
    { name: 'Operation', type: 'string', jsonPath: '.status.operation.name', priority: 1 },
    { name: 'Step', type: 'string', jsonPath: '.status.operation.step', priority: 1 },
  ],
};

/** v1beta2 MachineHealthCheck: maxUnhealthy moved under remediation.triggerIf. */
const machineHealthCheckV1Beta2: CrdVersionDefinition = {
  name: capiStorageVersion,
  schema: MachineHealthCheckResourceV1Beta2,
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName', description: 'Cluster' },
    {
      name: 'ExpectedMachines',
      type: 'integer',
      jsonPath: '.status.expectedMachines',
      description: 'Number of machines currently monitored',
    },
    {
      name: 'MaxUnhealthy',
      type: 'string',
      jsonPath: '.spec.remediation.triggerIf.unhealthyLessThanOrEqualTo',
      description: 'Maximum number of unhealthy machines allowed',
    },
    { name: 'CurrentHealthy', type: 'integer', jsonPath: '.status.currentHealthy', description: 'Current observed healthy machines' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};

/**
 * The Cluster, MachineDeployment and MachineHealthCheck CRDs serving v1beta2 (stored) and v1beta1 (converted by the
 * webhook `webhook` names), as CAPI v1.11+ installs them.
 */
export function capiV1Beta2Crds(webhook: ConversionWebhookClient): readonly CrdManifest[] {
  return [
    withConversionWebhook(clusterCrd, clusterV1Beta2, webhook),
    withConversionWebhook(machineDeploymentCrd, machineDeploymentV1Beta2, webhook),
    withConversionWebhook(machineHealthCheckCrd, machineHealthCheckV1Beta2, webhook),
  ];
}
