import { ConditionReason } from '../../../api/capi/conditions.ts';
import { describeIssue, type MappingIssue, type MappingResult } from '../../../api/capi/to-desired-cluster.ts';

/** Whether a cluster's manifests map onto a DesiredCluster, and if not, what to fix. */
export type SpecVerdict =
  | { readonly valid: true }
  | {
      readonly valid: false;
      /** ReferenceNotFound when the only problem is objects that do not exist (yet), as while `kubectl apply -f` runs. */
      readonly reason: typeof ConditionReason.InvalidSpec | typeof ConditionReason.ReferenceNotFound;
      readonly message: string;
      readonly errors: readonly MappingIssue[];
    };

// findObject's words for a missing object (api/capi/mapping/cluster-objects.ts).
const missing = /(^| )does not exist(;|$)/;

/** The verdict of a mapping: every problem in one message, each naming its object and field. */
export function specVerdict(result: MappingResult): SpecVerdict {
  if (result.ok) return { valid: true };
  const reason = result.errors.every((e) => missing.test(e.message)) ? ConditionReason.ReferenceNotFound : ConditionReason.InvalidSpec;
  const described = result.errors.map(describeIssue);
  const message = described.length === 1 ? (described[0] ?? '') : `${described.length} problems: ${described.join('; ')}`;
  return { valid: false, reason, message, errors: result.errors };
}

/** The verdict's problems about one object, described; empty when it is fine. */
export function issuesOf(verdict: SpecVerdict | undefined, kind: string, namespace: string, name: string): string[] {
  if (verdict === undefined || verdict.valid) return [];
  return verdict.errors
    .filter((e) => e.object.kind === kind && e.object.namespace === namespace && e.object.name === name)
    .map(describeIssue);
}
