import { z } from 'zod';
import { Conditions } from '../conditions.ts';
import { IntOrString, LabelSelector, ObjectEnvelope } from '../meta.ts';
import { defaultMaxUnhealthy } from '../machine-health-check.ts';
import { MetaConditions } from './meta.ts';

// v1beta1's defaults (10m0s, 100%), so an object written in either version reads the same in both.
const defaultNodeStartupTimeoutSeconds = 600;

/** A condition that, held longer than `timeoutSeconds`, makes a machine unhealthy. */
const UnhealthyConditionV1Beta2 = z.object({
  type: z.string().min(1),
  status: z.string().min(1),
  timeoutSeconds: z.number().int().min(0),
});

/** `cluster.x-k8s.io/v1beta2` MachineHealthCheck spec: v1beta1's fields grouped under `checks` and `remediation`. */
export const MachineHealthCheckSpecV1Beta2 = z.object({
  clusterName: z.string().min(1).max(63),
  selector: LabelSelector,
  checks: z
    .object({
      nodeStartupTimeoutSeconds: z.number().int().min(0).default(defaultNodeStartupTimeoutSeconds),
      unhealthyNodeConditions: z.array(UnhealthyConditionV1Beta2).max(100).optional(),
      /** Machine conditions (v1beta2 only; Capstan's v1beta1 has none). */
      unhealthyMachineConditions: z.array(UnhealthyConditionV1Beta2).max(100).optional(),
    })
    .prefault({}),
  remediation: z
    .object({
      triggerIf: z
        .object({
          /** v1beta1's maxUnhealthy. */
          unhealthyLessThanOrEqualTo: IntOrString.default(defaultMaxUnhealthy),
          /** v1beta1's unhealthyRange. */
          unhealthyInRange: z.string().max(32).optional(),
        })
        .prefault({}),
      /** External remediation: Capstan refuses it, as in v1beta1. */
      templateRef: z.object({ apiVersion: z.string().min(1), kind: z.string().min(1), name: z.string().min(1) }).optional(),
    })
    .prefault({}),
});
export type MachineHealthCheckSpecV1Beta2 = z.infer<typeof MachineHealthCheckSpecV1Beta2>;

/** MachineHealthCheck status in v1beta2: metav1 conditions, v1beta1's under `deprecated.v1beta1`. */
export const MachineHealthCheckStatusV1Beta2 = z.object({
  conditions: MetaConditions.optional(),
  expectedMachines: z.number().int().min(0).optional(),
  currentHealthy: z.number().int().min(0).optional(),
  remediationsAllowed: z.number().int().min(0).optional(),
  observedGeneration: z.number().int().optional(),
  targets: z.array(z.string()).optional(),
  deprecated: z.object({ v1beta1: z.object({ conditions: Conditions.optional() }).optional() }).optional(),
});
export type MachineHealthCheckStatusV1Beta2 = z.infer<typeof MachineHealthCheckStatusV1Beta2>;

/** The v1beta2 MachineHealthCheck as the API server stores it. */
export const MachineHealthCheckResourceV1Beta2 = z.object({
  spec: MachineHealthCheckSpecV1Beta2,
  status: MachineHealthCheckStatusV1Beta2.optional(),
});

/** A `cluster.x-k8s.io/v1beta2` MachineHealthCheck. */
export const MachineHealthCheckV1Beta2 = MachineHealthCheckResourceV1Beta2.extend(ObjectEnvelope);
export type MachineHealthCheckV1Beta2 = z.infer<typeof MachineHealthCheckV1Beta2>;
