import type { ClusterProgress } from '../../../api/cluster-messages.ts';
import { ConditionReason } from '../../../api/capi/conditions.ts';
import type { OperationStatus } from '../../../api/capi/operation-status.ts';
import { describeStep, operationOf } from './progress-view.ts';

/** An operation, running or finished, as far as the progress names it. */
export interface OperationRef {
  readonly kind: string;
  readonly summary: string;
  readonly deployment?: string | undefined;
}

/**
 * The `status.operation` of an object: the running operation when it concerns the object (its
 * kind, child workflow, state and step, and why it waits when a step is blocked); else the last
 * finished one that concerned it, and how it ended.
 */
export function operationStatus(
  progress: ClusterProgress | undefined,
  concerns: (operation: OperationRef) => boolean,
): OperationStatus | undefined {
  const operation = operationOf(progress);
  if (operation) {
    if (!concerns(operation)) return undefined;
    const blocked = progress?.blocked.find((b) => b.workflowId === operation.workflowId) ?? progress?.blocked[0];
    return {
      name: operation.kind,
      workflowId: operation.workflowId,
      state: blocked ? 'Blocked' : 'Running',
      step: describeStep(operation),
      ...(blocked
        ? { blockedReason: ConditionReason.StepFailed, blockedMessage: `${blocked.step}: ${blocked.errorType}: ${blocked.message}` }
        : {}),
    };
  }
  const last = progress?.recent.findLast(concerns);
  if (!last) return undefined;
  const succeeded = last.outcome === 'Succeeded';
  return {
    name: last.kind,
    state: succeeded ? 'Succeeded' : 'Failed',
    step: succeeded ? last.summary : `${last.summary}: ${last.outcome}`,
  };
}
