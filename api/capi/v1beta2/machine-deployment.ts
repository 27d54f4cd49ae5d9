import { z } from 'zod';
import { immutableClusterName } from '../cluster-name.ts';
import { Conditions } from '../conditions.ts';
import { MachineDeploymentStrategyType } from '../machine-deployment.ts';
import { IntOrString, LabelSelector, ObjectEnvelope, TemplateMeta } from '../meta.ts';
import { OperationStatus } from '../operation-status.ts';
import { MachineSpecV1Beta2 } from './machine-spec.ts';
import { MetaConditions } from './meta.ts';

/** Which machines a scale-down removes first (v1beta1's `strategy.rollingUpdate.deletePolicy`). */
export const MachineDeletionOrder = z.enum(['Random', 'Newest', 'Oldest']);

/** `cluster.x-k8s.io/v1beta2` MachineDeployment spec: v1beta1's `strategy` split into `rollout`, `remediation` and `deletion`. */
export const MachineDeploymentSpecV1Beta2 = z.object({
  clusterName: immutableClusterName('MachineDeployment'),
  replicas: z.number().int().min(0).optional(),
  rollout: z
    .object({
      /** v1beta1's `rolloutAfter`: machines created before it are replaced. */
      after: z.string().optional(),
      strategy: z
        .object({
          type: MachineDeploymentStrategyType.optional(),
          rollingUpdate: z.object({ maxUnavailable: IntOrString.optional(), maxSurge: IntOrString.optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  selector: LabelSelector.optional(),
  template: z.object({ metadata: TemplateMeta.optional(), spec: MachineSpecV1Beta2 }),
  /** How new Machines are named (`{{ .machineSet.name }}-{{ .random }}`). */
  machineNaming: z.object({ template: z.string().optional() }).optional(),
  remediation: z.object({ maxInFlight: IntOrString.optional() }).optional(),
  deletion: z.object({ order: MachineDeletionOrder.optional() }).optional(),
  paused: z.boolean().optional(),
});
export type MachineDeploymentSpecV1Beta2 = z.infer<typeof MachineDeploymentSpecV1Beta2>;

/** MachineDeployment status in v1beta2: v1beta2's replica counts on top, v1beta1's under `deprecated.v1beta1`. */
export const MachineDeploymentStatusV1Beta2 = z.object({
  conditions: MetaConditions.optional(),
  observedGeneration: z.number().int().optional(),
  selector: z.string().optional(),
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  upToDateReplicas: z.number().int().optional(),
  phase: z.enum(['ScalingUp', 'ScalingDown', 'Running', 'Failed', 'Unknown']).optional(),
  deprecated: z
    .object({
      v1beta1: z
        .object({
          conditions: Conditions.optional(),
          updatedReplicas: z.number().int().optional(),
          readyReplicas: z.number().int().optional(),
          availableReplicas: z.number().int().optional(),
          unavailableReplicas: z.number().int().optional(),
          /** Capstan's v1beta1 MachineDeployment has these; CAPI's v1beta1 does not. */
          failureReason: z.string().optional(),
          failureMessage: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  operation: OperationStatus.optional(),
});
export type MachineDeploymentStatusV1Beta2 = z.infer<typeof MachineDeploymentStatusV1Beta2>;

/** The v1beta2 MachineDeployment as the API server stores it (the CRD version's schema). */
export const MachineDeploymentResourceV1Beta2 = z.object({
  spec: MachineDeploymentSpecV1Beta2,
  status: MachineDeploymentStatusV1Beta2.optional(),
});

/** A `cluster.x-k8s.io/v1beta2` MachineDeployment. */
export const MachineDeploymentV1Beta2 = MachineDeploymentResourceV1Beta2.extend(ObjectEnvelope);
export type MachineDeploymentV1Beta2 = z.infer<typeof MachineDeploymentV1Beta2>;
