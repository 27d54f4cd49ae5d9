import { clusterNameLabel } from '../../../api/capi/annotations.ts';
import { ConditionReason, ConditionType, type Condition } from '../../../api/capi/conditions.ts';
import type { ClaimSource } from '../cluster-claims.ts';
import type { RawObject } from '../raw-object.ts';
import { isFalse } from './conditions.ts';
import type { StatusDraft } from './status-draft.ts';

/** What to fix when the cluster an object names does not exist, by where it names it. */
const remedies: Readonly<Record<ClaimSource, (kind: string) => string>> = {
  'spec.clusterName': () => 'apply it, or fix spec.clusterName',
  label: () => `apply it, or fix the ${clusterNameLabel} label`,
  ownerReference: (kind) => `apply it, or delete this ${kind} (its owner references name that Cluster)`,
};

/** The sentence an orphan's condition and Event say: the Cluster it names, and what to do. */
export function orphanMessage(kind: string, namespace: string, cluster: string, source: ClaimSource): string {
  return `Cluster ${namespace}/${cluster} does not exist: ${remedies[source](kind)}`;
}

/**
 * The status of an object whose Cluster does not exist: Ready=False ReferenceNotFound and nothing
 * else, so no count or phase of a cluster that is gone stays on it.
 */
export function orphanStatus(message: string): StatusDraft {
  return { fields: {}, conditions: [isFalse(ConditionType.Ready, ConditionReason.ReferenceNotFound, message)] };
}

/** The status that takes an orphan's condition off an object whose status nothing else writes. */
export const noStatus: StatusDraft = { fields: {}, conditions: [] };

/** Whether the stored status is an orphan's (Ready=False ReferenceNotFound). */
export function hasOrphanStatus(object: RawObject): boolean {
  const conditions = (object.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === ConditionType.Ready && c.status === 'False' && c.reason === ConditionReason.ReferenceNotFound);
}
