import type { Condition } from '../conditions.ts';
import type { MetaCondition } from '../v1beta2/meta.ts';

// metav1.Condition's reason pattern; a v1beta1 reason outside it (free text) is replaced by the status.
const metaReason = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/**
 * v1beta2's metav1 conditions when the v1beta1 object has no `status.v1beta2.conditions`:
 * Capstan writes v1beta1 conditions under v1beta2's names already, so they are carried over with
 * the severity dropped and a reason where there was none (metav1.Condition requires one).
 */
export function metaConditionsFrom(conditions: readonly Condition[]): MetaCondition[] {
  return conditions.map((c) => ({
    type: c.type,
    status: c.status,
    lastTransitionTime: c.lastTransitionTime,
    reason: c.reason !== undefined && metaReason.test(c.reason) ? c.reason : c.status,
    message: c.message ?? '',
  }));
}
