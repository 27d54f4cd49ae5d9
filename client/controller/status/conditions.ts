import { ConditionReason, type Condition } from '../../../api/capi/conditions.ts';

/** A condition as the status functions decide it; the transition time is added when it is written. */
export interface ConditionDraft {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

/** Reasons that mean an operator must act (Error) or should look (Warning); other False conditions are Info. */
const severities: Readonly<Record<string, Condition['severity']>> = {
  [ConditionReason.InvalidSpec]: 'Error',
  [ConditionReason.StepFailed]: 'Error',
  [ConditionReason.WorkflowEnded]: 'Error',
  [ConditionReason.Held]: 'Warning',
  [ConditionReason.ReferenceNotFound]: 'Warning',
  [ConditionReason.CertificateAuthorityExpiring]: 'Warning',
  [ConditionReason.CertificateRenewalFailed]: 'Warning',
  [ConditionReason.BackupFailed]: 'Warning',
  [ConditionReason.SnapshotStale]: 'Warning',
};

/** Conditions longer than this are cut: a status is read in a terminal, and etcd objects have limits. */
const maxMessage = 1_024;

/** Shortens a message to what a condition or Event shows. */
export function clip(message: string): string {
  return message.length <= maxMessage ? message : `${message.slice(0, maxMessage - 1)}…`;
}

/**
 * CAPI's condition bookkeeping: `lastTransitionTime` changes only when a condition's status
 * does (so a steady status writes nothing new); severity only on False conditions.
 */
export function withTransitionTimes(
  existing: readonly Condition[] | undefined,
  drafts: readonly ConditionDraft[],
  now: string,
): Condition[] {
  return drafts.map((draft) => {
    const previous = existing?.find((c) => c.type === draft.type);
    const severity = draft.status === 'False' ? (severities[draft.reason ?? ''] ?? 'Info') : undefined;
    return {
      type: draft.type,
      status: draft.status,
      ...(severity ? { severity } : {}),
      lastTransitionTime: previous?.status === draft.status ? previous.lastTransitionTime : now,
      ...(draft.reason ? { reason: draft.reason } : {}),
      ...(draft.message ? { message: clip(draft.message) } : {}),
    };
  });
}

/** A True condition (no reason, as CAPI v1beta1 writes them, unless one says more). */
export const isTrue = (type: string, reason?: string, message?: string): ConditionDraft => ({
  type,
  status: 'True',
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});

/** A False condition with its reason. */
export const isFalse = (type: string, reason: string, message?: string): ConditionDraft => ({
  type,
  status: 'False',
  reason,
  ...(message ? { message } : {}),
});
