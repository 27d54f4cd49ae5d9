import { clusterNameLabel, deploymentNameLabel } from '../../../api/capi/annotations.ts';
import { ConditionReason, ConditionType } from '../../../api/capi/conditions.ts';
import { numberAt, type RawObject } from '../raw-object.ts';
import { blockerOf, type ClusterFacts } from './cluster-facts.ts';
import { isFalse, isTrue, type ConditionDraft } from './conditions.ts';
import { isAtWantedVersions, type WantedVersions } from './control-plane-status.ts';
import { operationStatus } from './operation-status.ts';
import {
  concernsDeployment,
  describeStep,
  isMachineAvailable,
  isMachineReady,
  machinesOf,
  operationOf,
  touchesDeployment,
} from './progress-view.ts';
import { issuesOf } from './spec-verdict.ts';
import type { StatusDraft } from './status-draft.ts';

/**
 * A MachineDeployment's status as CAPI reports it (replicas, readyReplicas, availableReplicas,
 * updatedReplicas, unavailableReplicas, phase, selector for `kubectl scale`) plus Ready,
 * Available and RollingOut conditions and the operation changing it. Counts follow the machines'
 * conditions as the workflow last observed them, where it gives them.
 */
export function deploymentStatus(md: RawObject, facts: ClusterFacts, wanted: WantedVersions): StatusDraft {
  const name = md.metadata?.name ?? '';
  const all = machinesOf(facts.progress);
  const machines = all.filter((m) => m.role === 'worker' && m.deployment === name);
  const ready = machines.filter(isMachineReady).length;
  const available = machines.filter(isMachineAvailable).length;
  const desired = numberAt(md, 'spec.replicas') ?? 1;
  const operation = operationOf(facts.progress);
  const touched = touchesDeployment(operation, name, all);
  const blocked = touched && (facts.progress?.blocked.length ?? 0) > 0;
  const own = issuesOf(facts.spec, 'MachineDeployment', facts.namespace, name);
  const blocker = blockerOf(facts);

  const phase = blocked
    ? 'Failed'
    : machines.length < desired
      ? 'ScalingUp'
      : machines.length > desired
        ? 'ScalingDown'
        : ready < desired
          ? 'ScalingUp'
          : 'Running';
  const conditions: ConditionDraft[] = [];
  if (own.length > 0) conditions.push(isFalse(ConditionType.Ready, ConditionReason.InvalidSpec, own.join('; ')));
  else if (blocker && blocker.reason !== ConditionReason.Paused && (touched || blocker.reason !== ConditionReason.StepFailed))
    conditions.push(isFalse(ConditionType.Ready, blocker.reason, blocker.message));
  else if (ready < desired)
    conditions.push(isFalse(ConditionType.Ready, ConditionReason.WaitingForMachines, `${ready}/${desired} machines ready`));
  else conditions.push(isTrue(ConditionType.Ready));
  conditions.push(
    available >= desired
      ? isTrue('Available')
      : isFalse('Available', ConditionReason.WaitingForMachines, `${available}/${desired} machines available`),
  );
  const rolling = touched && operation !== undefined && operation.kind !== 'provision' && operation.kind !== 'delete';
  conditions.push(
    rolling
      ? isTrue(
          ConditionType.RollingOut,
          operation.kind === 'upgrade' ? ConditionReason.Upgrading : ConditionReason.RollingOut,
          `${operation.summary}: ${describeStep(operation)}`,
        )
      : isFalse(ConditionType.RollingOut, ConditionReason.NotRollingOut),
  );
  const op = operationStatus(facts.progress, (o) => (o === operation ? touched : concernsDeployment(o, name)));
  const generation = md.metadata?.generation;
  return {
    fields: {
      selector: `${clusterNameLabel}=${facts.name},${deploymentNameLabel}=${name}`,
      replicas: machines.length,
      readyReplicas: ready,
      availableReplicas: available,
      updatedReplicas: machines.filter((m) => isAtWantedVersions(m, wanted)).length,
      unavailableReplicas: Math.max(desired - available, 0),
      phase,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
      ...(op ? { operation: op } : {}),
    },
    conditions,
  };
}
