// A MachineHealthCheck as the cluster workflow receives it (the controller maps the CAPI object
// onto this): which machines it watches, what makes one unhealthy, and when remediation stops.
import { z } from 'zod';

/** A label selector, as Kubernetes writes one (matchLabels and matchExpressions, ANDed). */
export const LabelSelector = z.object({
  matchLabels: z.record(z.string(), z.string()).default({}),
  matchExpressions: z
    .array(
      z.object({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

/** A Node condition that, held for longer than its timeout, makes the machine unhealthy. */
export const UnhealthyCondition = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  timeoutSeconds: z.number().int().min(0),
});
export type UnhealthyCondition = z.infer<typeof UnhealthyCondition>;

/** One MachineHealthCheck of the cluster (cluster.x-k8s.io/v1beta1 semantics). */
export const HealthCheck = z.object({
  /** The MachineHealthCheck object's name: its status and Events go there. */
  name: z.string().min(1),
  selector: LabelSelector,
  unhealthyConditions: z.array(UnhealthyCondition).default([]),
  /** Remediation stops while more machines than this are unhealthy (a count or a percentage of the targets). */
  maxUnhealthy: z.union([z.number().int().min(0), z.string().regex(/^\d+%$/)]).default('100%'),
  /** Remediate only while the number of unhealthy targets is within [min, max]; overrides maxUnhealthy. */
  unhealthyRange: z.object({ min: z.number().int().min(0), max: z.number().int().min(0) }).optional(),
  /** A machine without a Node this long after its VM came up is unhealthy; 0 turns the check off. */
  nodeStartupTimeoutSeconds: z.number().int().min(0).default(600),
});
export type HealthCheck = z.infer<typeof HealthCheck>;
export type HealthCheckInput = z.input<typeof HealthCheck>;

/** Why a machine a health check watches is unhealthy (CAPI's HealthCheckSucceeded reasons). */
export type UnhealthyReason = 'NodeStartupTimeout' | 'UnhealthyNode' | 'NodeDeleted' | 'MachineHasFailure';

/** One health check's verdict on one observation: what the workflow records and acts on. */
export interface HealthCheckResult {
  /** The MachineHealthCheck's name. */
  readonly name: string;
  /** The machines it watches (its targets), by name, sorted. */
  readonly targets: readonly string[];
  /** Targets whose Node is Ready and that are not unhealthy (machines still starting are neither). */
  readonly currentHealthy: number;
  readonly unhealthy: readonly { readonly machine: string; readonly reason: UnhealthyReason; readonly message: string }[];
  /** Remediation is allowed now (the unhealthy count is within maxUnhealthy / unhealthyRange). */
  readonly remediationAllowed: boolean;
  /** How many more machines may be remediated now. */
  readonly remediationsAllowed: number;
  /** Why remediation is not allowed, in CAPI's words, when it is not. */
  readonly message?: string;
}
