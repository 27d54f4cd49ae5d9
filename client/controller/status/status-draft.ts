import type { Condition } from '../../../api/capi/conditions.ts';
import { withTransitionTimes, type ConditionDraft } from './conditions.ts';

/** A status as decided, before condition transition times are filled in from the stored one. */
export interface StatusDraft {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly conditions: readonly ConditionDraft[];
}

/** The status to write: the draft's fields plus conditions timed against the stored ones. JSON-clean (no undefined). */
export function finishStatus(draft: StatusDraft, stored: unknown, now: string): Record<string, unknown> {
  const existing = (stored as { conditions?: Condition[] } | undefined)?.conditions;
  const status = { ...draft.fields, conditions: withTransitionTimes(existing, draft.conditions, now) };
  return JSON.parse(JSON.stringify(status)) as Record<string, unknown>;
}
