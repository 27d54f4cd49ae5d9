import { ConditionReason, ConditionType, type Condition } from '../../../api/capi/conditions.ts';
import type { BlockedRun, ClusterProgress, MachineProgress } from '../../../api/cluster-messages.ts';

/** The status columns of a row, as CAPI conditions carry them (`since` is an ISO time). */
export interface StatusCells {
  readonly ready: 'True' | 'False' | 'Unknown' | '';
  readonly severity: string;
  readonly reason: string;
  readonly since: string;
  readonly message: string;
}

/** Empty cells: a grouping row (Workers) or an object with nothing to say. */
export const none: StatusCells = { ready: '', severity: '', reason: '', since: '', message: '' };
/** An object the controller has not written status to yet. */
export const unknown: StatusCells = { ...none, ready: 'Unknown', message: 'no status written yet' };

/** Severity of a False condition Capstan derives itself, as the controller grades its reasons. */
export function severityOf(reason: string): string {
  if (
    reason === ConditionReason.StepFailed ||
    reason === ConditionReason.InvalidSpec ||
    reason === ConditionReason.WorkflowEnded ||
    reason === 'Failed'
  )
    return 'Error';
  if (reason === ConditionReason.Held || reason === ConditionReason.ReferenceNotFound) return 'Warning';
  return 'Info';
}

/** Ready, optionally with a message. */
export const ok = (message = ''): StatusCells => ({ ...none, ready: 'True', message });
/** Not ready, graded by its reason. */
export const notOk = (reason: string, message: string, since = ''): StatusCells => ({
  ready: 'False',
  severity: severityOf(reason),
  reason,
  since,
  message,
});

/** A condition's cells. */
export function conditionCells(condition: Condition): StatusCells {
  return {
    ready: condition.status,
    severity: condition.status === 'False' ? (condition.severity ?? '') : '',
    reason: condition.reason ?? '',
    since: condition.lastTransitionTime,
    message: condition.message ?? '',
  };
}

/** The Ready condition of an object's status. */
export const readyCondition = (conditions: readonly Condition[] | undefined): Condition | undefined =>
  conditions?.find((c) => c.type === ConditionType.Ready);

/** `summary: step i/n current step`. */
export function operationText(operation: NonNullable<ClusterProgress['operation']>): string {
  const step =
    operation.steps > 0 ? ` step ${operation.step}/${operation.steps}${operation.currentStep ? ` ${operation.currentStep}` : ''}` : '';
  return `${operation.summary}:${step}`.replace(/:$/, '');
}

/** `step: message` of a blocked run. */
export const blockedText = (run: BlockedRun): string => `blocked at ${run.step}: ${run.message}`;

/** The Cluster's cells from the workflow alone (no Cluster object, or one without status). */
export function clusterCellsFromProgress(progress: ClusterProgress): StatusCells {
  const first = progress.blocked[0];
  const notReady = progress.machines.filter((m) => !m.ready).map((m) => m.name);
  switch (progress.phase) {
    case 'Deleted':
      return notOk(ConditionReason.Deleting, 'the cluster was deleted');
    case 'Held':
      return notOk(ConditionReason.Held, progress.held ?? 'waiting for a new spec');
    case 'Released':
      return notOk(ConditionReason.Paused, 'moved to another management cluster (capstan move): it is managed there');
    case 'Blocked':
      return first
        ? notOk(ConditionReason.StepFailed, blockedText(first), first.since)
        : notOk(ConditionReason.StepFailed, 'an operation is blocked');
    case 'Paused':
      return notOk(ConditionReason.Paused, progress.operation ? `${operationText(progress.operation)} (paused)` : 'paused');
    default:
  }
  const operation = progress.operation;
  if (operation?.kind === 'provision') return notOk(ConditionReason.Provisioning, operationText(operation));
  if (operation?.kind === 'delete') return notOk(ConditionReason.Deleting, operationText(operation));
  if (progress.machines.length === 0) return notOk(ConditionReason.WaitingForControlPlane, 'no machines yet');
  if (notReady.length > 0) return notOk(ConditionReason.WaitingForMachines, `not Ready: ${notReady.join(', ')}`);
  return ok(operation ? operationText(operation) : '');
}

/** A machine's cells from the workflow: a blocked run first, then its phase and readiness. */
export function machineCellsFromProgress(machine: MachineProgress, blocked: BlockedRun | undefined): StatusCells {
  const activity = machine.activity ?? '';
  if (blocked) return notOk(ConditionReason.StepFailed, blockedText(blocked), blocked.since);
  if (machine.phase === 'Deleting') return notOk(ConditionReason.Deleting, activity);
  if (machine.phase === 'Provisioning') return notOk(ConditionReason.Provisioning, activity);
  if (machine.phase === 'Failed') return notOk('Failed', activity || 'the machine failed; the next operation replaces it');
  return machine.ready ? ok(activity) : notOk(ConditionReason.NodeNotReady, activity || 'its Node is not Ready');
}
