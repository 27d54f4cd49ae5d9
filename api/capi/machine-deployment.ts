import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { immutableClusterName } from './cluster-name.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, capiGroup, capiVersion } from './groups.ts';
import { MachineSpec } from './machine-spec.ts';
import { IntOrString, LabelSelector, ObjectEnvelope, TemplateMeta } from './meta.ts';
import { OperationStatus } from './operation-status.ts';
import { MetaConditions } from './v1beta2/meta.ts';

/**
 * How machines of a deployment are replaced. `RollingUpdate` and `OnDelete` are CAPI's;
 * `InPlace` is Capstan's (Talos upgrade API and config patches, no new VM). Capstan does not
 * wait for an operator to delete machines, so `OnDelete` is accepted and reported as unsupported.
 */
export const MachineDeploymentStrategyType = z.enum(['RollingUpdate', 'OnDelete', 'InPlace']);

/** clusterv1.MachineDeploymentStrategy. */
export const MachineDeploymentStrategy = z.object({
  type: MachineDeploymentStrategyType.optional(),
  rollingUpdate: z
    .object({
      maxUnavailable: IntOrString.optional(),
      maxSurge: IntOrString.optional(),
      deletePolicy: z.enum(['Random', 'Newest', 'Oldest']).optional(),
    })
    .optional(),
  remediation: z.looseObject({}).optional(),
});

/** `cluster.x-k8s.io/v1beta1` MachineDeployment spec. */
export const MachineDeploymentSpec = z.object({
  clusterName: immutableClusterName('MachineDeployment'),
  /** CAPI defaults an absent count to 1. */
  replicas: z.number().int().min(0).optional(),
  selector: LabelSelector.optional(),
  template: z.object({ metadata: TemplateMeta.optional(), spec: MachineSpec }),
  strategy: MachineDeploymentStrategy.optional(),
  minReadySeconds: z.number().int().min(0).optional(),
  revisionHistoryLimit: z.number().int().min(0).optional(),
  progressDeadlineSeconds: z.number().int().min(0).optional(),
  paused: z.boolean().optional(),
  rolloutAfter: z.string().optional(),
});
export type MachineDeploymentSpec = z.infer<typeof MachineDeploymentSpec>;

/** MachineDeployment status: CAPI's replica counts and phase, plus Capstan's running operation. */
export const MachineDeploymentStatus = z.object({
  observedGeneration: z.number().int().optional(),
  /** Label selector in query form, for the scale subresource. */
  selector: z.string().optional(),
  replicas: z.number().int().optional(),
  updatedReplicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  unavailableReplicas: z.number().int().optional(),
  phase: z.enum(['ScalingUp', 'ScalingDown', 'Running', 'Failed', 'Unknown']).optional(),
  conditions: Conditions.optional(),
  operation: OperationStatus.optional(),
  failureReason: z.string().optional(),
  failureMessage: z.string().optional(),
  /** CAPI v1beta1's preview of v1beta2's status: what v1beta2 readers see at the top of theirs. */
  v1beta2: z
    .object({
      conditions: MetaConditions.optional(),
      readyReplicas: z.number().int().optional(),
      availableReplicas: z.number().int().optional(),
      upToDateReplicas: z.number().int().optional(),
    })
    .optional(),
});
export type MachineDeploymentStatus = z.infer<typeof MachineDeploymentStatus>;

/** The object as the API server stores it (the CRD's schema). */
export const MachineDeploymentResource = z.object({ spec: MachineDeploymentSpec, status: MachineDeploymentStatus.optional() });

/** A MachineDeployment as read from the API server or a manifest. */
export const MachineDeployment = MachineDeploymentResource.extend(ObjectEnvelope);
export type MachineDeployment = z.infer<typeof MachineDeployment>;

/** The MachineDeployment CRD: `kubectl get md` and `kubectl scale md` as in CAPI. */
export const machineDeploymentCrd = defineCrd(
  {
    group: capiGroup,
    version: capiVersion,
    kind: 'MachineDeployment',
    plural: 'machinedeployments',
    singular: 'machinedeployment',
    shortNames: ['md'],
    categories: [capiCategory],
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName' },
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', priority: 10 },
      { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
      { name: 'Updated', type: 'integer', jsonPath: '.status.updatedReplicas' },
      { name: 'Unavailable', type: 'integer', jsonPath: '.status.unavailableReplicas' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Version', type: 'string', jsonPath: '.spec.template.spec.version' },
      { name: 'Operation', type: 'string', jsonPath: '.status.operation.name', priority: 1 },
      { name: 'Step', type: 'string', jsonPath: '.status.operation.step', priority: 1 },
    ],
  },
  MachineDeploymentResource,
);
