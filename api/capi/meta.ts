import { z } from 'zod';

/**
 * The metadata the mapping reads. Not part of any CRD schema: the API server owns `metadata`,
 * and a CRD may not describe it beyond the name.
 */
export const ObjectMeta = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  generation: z.number().int().optional(),
  uid: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** The `apiVersion`/`kind`/`metadata` envelope every object has; lists may omit the first two. */
export const ObjectEnvelope = {
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: ObjectMeta,
};

/** corev1.ObjectReference, as CAPI's `controlPlaneRef`, `infrastructureRef` and `configRef` use it. */
export const ObjectReference = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.infer<typeof ObjectReference>;

/** metav1.OwnerReference: what a garbage collector follows from a dependent to its owner. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** CAPI's APIEndpoint. An empty host means "not chosen yet" (CAPI writes `host: ""`, `port: 0`). */
export const ApiEndpoint = z.object({
  host: z.string(),
  port: z.number().int().min(0).max(65535),
});
export type ApiEndpoint = z.infer<typeof ApiEndpoint>;

/** intstr.IntOrString as CAPI uses it for surge and unavailability: a count or `25%`. */
export const IntOrString = z.union([z.number().int().min(0), z.string().regex(/^\d+%$/, 'must be a count or a percentage like 25%')]);
export type IntOrString = z.infer<typeof IntOrString>;

/** A label selector (metav1.LabelSelector). */
export const LabelSelector = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() })).optional(),
});

/** Labels and annotations of a template (clusterv1.ObjectMeta). */
export const TemplateMeta = z.object({
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A Go duration such as `10m` or `1h30m` (metav1.Duration). */
export const Duration = z.string().regex(/^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/, 'must be a duration like 90s or 10m');

/** Any JSON the schema does not describe: kept as written (`x-kubernetes-preserve-unknown-fields`). */
export const AnyJson = z.unknown();
