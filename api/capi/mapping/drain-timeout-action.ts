import { drainTimeoutActionAnnotation } from '../annotations.ts';
import type { DrainTimeoutAction } from '../../desired-cluster.ts';
import type { IssueLog, ObjectKey } from './issues.ts';

const actions: Record<string, DrainTimeoutAction> = { block: 'Block', proceed: 'Proceed' };

/** The `capstan.dev/drain-timeout-action` annotation of a MachineDeployment or TalosControlPlane; absent means block. */
export function drainTimeoutActionOf(
  annotations: Readonly<Record<string, string>> | undefined,
  object: ObjectKey,
  log: IssueLog,
): DrainTimeoutAction | undefined {
  const value = annotations?.[drainTimeoutActionAnnotation];
  if (value === undefined) return undefined;
  const action = actions[value.trim().toLowerCase()];
  if (action === undefined) {
    log.errors.push({
      object,
      path: `metadata.annotations[${drainTimeoutActionAnnotation}]`,
      message: `must be block (a drain still held after nodeDrainTimeout blocks its step, naming the PodDisruptionBudget) or proceed (the machine goes on without finishing its drain, as Cluster API does), not ${value}`,
    });
  }
  return action;
}
