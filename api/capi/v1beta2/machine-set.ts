import { z } from 'zod';
import { immutableClusterName } from '../cluster-name.ts';
import { Conditions } from '../conditions.ts';
import { LabelSelector, ObjectEnvelope, TemplateMeta } from '../meta.ts';
import { MachineSpecV1Beta2 } from './machine-spec.ts';
import { MachineDeletionOrder } from './machine-deployment.ts';
import { MetaConditions } from './meta.ts';

/** `cluster.x-k8s.io/v1beta2` MachineSet spec: deletePolicy under `deletion`, minReadySeconds in the machine template. */
export const MachineSetSpecV1Beta2 = z.object({
  clusterName: immutableClusterName('MachineSet'),
  replicas: z.number().int().min(0).optional(),
  selector: LabelSelector,
  template: z.object({ metadata: TemplateMeta.optional(), spec: MachineSpecV1Beta2 }),
  machineNaming: z.object({ template: z.string().optional() }).optional(),
  deletion: z.object({ order: MachineDeletionOrder.optional() }).optional(),
});
export type MachineSetSpecV1Beta2 = z.infer<typeof MachineSetSpecV1Beta2>;

/** MachineSet status in v1beta2: v1beta2's counts on top, v1beta1's under `deprecated.v1beta1`. */
export const MachineSetStatusV1Beta2 = z.object({
  conditions: MetaConditions.optional(),
  selector: z.string().optional(),
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  upToDateReplicas: z.number().int().optional(),
  observedGeneration: z.number().int().optional(),
  deprecated: z
    .object({
      v1beta1: z
        .object({
          conditions: Conditions.optional(),
          failureReason: z.string().optional(),
          failureMessage: z.string().optional(),
          fullyLabeledReplicas: z.number().int().optional(),
          readyReplicas: z.number().int().optional(),
          availableReplicas: z.number().int().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type MachineSetStatusV1Beta2 = z.infer<typeof MachineSetStatusV1Beta2>;

/** The v1beta2 MachineSet as the API server stores it. */
export const MachineSetResourceV1Beta2 = z.object({ spec: MachineSetSpecV1Beta2, status: MachineSetStatusV1Beta2.optional() });

/** A `cluster.x-k8s.io/v1beta2` MachineSet. */
export const MachineSetV1Beta2 = MachineSetResourceV1Beta2.extend(ObjectEnvelope);
export type MachineSetV1Beta2 = z.infer<typeof MachineSetV1Beta2>;
