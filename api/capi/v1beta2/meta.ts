import { z } from 'zod';

/**
 * v1beta2's ContractVersionedObjectReference: group, kind and name only. The version is the one
 * the provider's CRD declares for the contract, so a reference outlives the provider's upgrades.
 */
export const ContractVersionedObjectReference = z.object({
  apiGroup: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
});
export type ContractVersionedObjectReference = z.infer<typeof ContractVersionedObjectReference>;

/**
 * metav1.Condition, what v1beta2 writes in `status.conditions`: reason and message are required,
 * there is no severity, and `observedGeneration` says which spec the condition judged.
 */
export const MetaCondition = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.number().int().min(0).optional(),
  lastTransitionTime: z.iso.datetime({ offset: true }),
  reason: z.string().regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/, 'must be CamelCase, as metav1.Condition reasons are'),
  message: z.string(),
});
export type MetaCondition = z.infer<typeof MetaCondition>;

/** A metav1.Condition list, merged by `type` under server-side apply. */
export const MetaConditions = z.array(MetaCondition).meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

/** v1beta2's deletion timeouts: whole seconds instead of v1beta1's Go duration strings. */
export const DeletionTimeouts = {
  nodeDrainTimeoutSeconds: z.number().int().min(0).optional(),
  nodeVolumeDetachTimeoutSeconds: z.number().int().min(0).optional(),
  nodeDeletionTimeoutSeconds: z.number().int().min(0).optional(),
};
