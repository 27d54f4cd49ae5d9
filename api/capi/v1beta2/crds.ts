import { clusterCrd } from '../cluster.ts';
import { capiStorageVersion } from '../groups.ts';
import { machineDeploymentCrd } from '../machine-deployment.ts';
import { withConversionWebhook, type ConversionWebhookClient, type CrdManifest, type CrdVersionDefinition } from '../../crd/define-crd.ts';
import { ClusterResourceV1Beta2 } from './cluster.ts';
import { MachineDeploymentResourceV1Beta2 } from './machine-deployment.ts';
import { MachineHealthCheckResourceV1Beta2 } from './machine-health-check.ts';
import { machineHealthCheckCrd } from '../machine-health-check.ts';
import { machineSetCrd } from '../machine-set.ts';
import { machineCrd, machinePrinterColumns } from '../machine.ts';
import { MachineSetResourceV1Beta2 } from './machine-set.ts';
import { MachineResourceV1Beta2 } from './machine.ts';

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

/** v1beta2 MachineSet: the same columns as v1beta1's, Up-to-date added. */
const machineSetV1Beta2: CrdVersionDefinition = {
  name: capiStorageVersion,
  schema: MachineSetResourceV1Beta2,
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName', description: 'Cluster' },
    { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', priority: 10, description: 'Machines this revision should have' },
    { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas', description: 'Machines of this revision' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Machines whose Node is Ready' },
    { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas', description: 'Ready for at least minReadySeconds' },
    { name: 'Up-to-date', type: 'integer', jsonPath: '.status.upToDateReplicas' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Version', type: 'string', jsonPath: '.spec.template.spec.version', description: 'Kubernetes version of its machines' },
  ],
};

/** v1beta2 Machine: v1beta1's columns (the node's name kept its path). */
const machineV1Beta2: CrdVersionDefinition = {
  name: capiStorageVersion,
  schema: MachineResourceV1Beta2,
  printerColumns: machinePrinterColumns,
};

/**
 * The Cluster, MachineDeployment, MachineHealthCheck, MachineSet and Machine CRDs serving v1beta2 (stored) and v1beta1 (converted by the
 * webhook `webhook` names), as CAPI v1.11+ installs them.
 */
export function capiV1Beta2Crds(webhook: ConversionWebhookClient): readonly CrdManifest[] {
  return [
    withConversionWebhook(clusterCrd, clusterV1Beta2, webhook),
    withConversionWebhook(machineDeploymentCrd, machineDeploymentV1Beta2, webhook),
    withConversionWebhook(machineHealthCheckCrd, machineHealthCheckV1Beta2, webhook),
    withConversionWebhook(machineSetCrd, machineSetV1Beta2, webhook),
    withConversionWebhook(machineCrd, machineV1Beta2, webhook),
  ];
}
