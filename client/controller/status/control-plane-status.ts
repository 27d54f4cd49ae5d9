import { clusterNameLabel, controlPlaneLabel } from '../../../api/capi/annotations.ts';
import { ConditionReason, ConditionType } from '../../../api/capi/conditions.ts';
import { numberAt, type RawObject } from '../raw-object.ts';
import { blockerOf, type ClusterFacts } from './cluster-facts.ts';
import { isFalse, isTrue, type ConditionDraft } from './conditions.ts';
import { operationStatus } from './operation-status.ts';
import {
  controlPlaneKinds,
  describeStep,
  isMachineAvailable,
  isMachineReady,
  machinesOf,
  oldestVersion,
  operationOf,
  touchesControlPlane,
  upToDateCondition,
  type ProgressMachine,
} from './progress-view.ts';
import { issuesOf } from './spec-verdict.ts';
import type { StatusDraft } from './status-draft.ts';

/** The versions the spec asks for, when it maps: what counts as an updated machine. */
export interface WantedVersions {
  readonly kubernetes?: string | undefined;
  readonly talos?: string | undefined;
}

/** Whether a machine runs what the spec asks (its UpToDate condition, or the workflow's own verdict, when given). */
export function isAtWantedVersions(machine: ProgressMachine, wanted: WantedVersions): boolean {
  const condition = upToDateCondition(machine);
  if (condition !== undefined) return condition;
  if (machine.upToDate !== undefined) return machine.upToDate;
  if (machine.kubernetesVersion === '') return false;
  return (
    (wanted.kubernetes === undefined || machine.kubernetesVersion === wanted.kubernetes) &&
    (wanted.talos === undefined || machine.talosVersion === wanted.talos)
  );
}

/**
 * A TalosControlPlane's status as CACPPT reports it (replicas, readyReplicas, updatedReplicas,
 * unavailableReplicas, initialized, ready, version, selector for `kubectl scale`) plus Ready,
 * Available and RollingOut conditions and the operation changing the control plane. Counts follow
 * the machines' conditions as the workflow last observed them; Available follows its verdict on
 * the control plane (etcd quorum) when it gives one.
 */
export function controlPlaneStatus(tcp: RawObject, facts: ClusterFacts, wanted: WantedVersions): StatusDraft {
  const machines = machinesOf(facts.progress).filter((m) => m.role === 'control-plane');
  const ready = machines.filter(isMachineReady).length;
  const unavailable = machines.filter((m) => !isMachineAvailable(m)).length;
  // The workflow's verdict (etcd quorum, the API server) when it observed one; else a majority of Ready members.
  const observed = facts.progress?.availability?.controlPlane;
  const available = observed ? observed.available : machines.length > 0 && ready > machines.length / 2;
  const readyCount = `${ready}/${machines.length} control-plane machines ready`;
  const initialized = ready > 0 || (tcp.status as { initialized?: boolean } | undefined)?.initialized === true;
  const operation = operationOf(facts.progress);
  const touched = touchesControlPlane(operation);
  const own = issuesOf(facts.spec, 'TalosControlPlane', facts.namespace, tcp.metadata?.name ?? '');
  const blocker = blockerOf(facts);
  const desiredReplicas = numberAt(tcp, 'spec.replicas') ?? 1;

  const conditions: ConditionDraft[] = [];
  if (own.length > 0) conditions.push(isFalse(ConditionType.Ready, ConditionReason.InvalidSpec, own.join('; ')));
  else if (blocker && blocker.reason !== ConditionReason.Paused && (touched || blocker.reason !== ConditionReason.StepFailed))
    conditions.push(isFalse(ConditionType.Ready, blocker.reason, blocker.message));
  else if (!available)
    conditions.push(
      isFalse(ConditionType.Ready, observed?.reason ?? ConditionReason.WaitingForControlPlane, observed?.message ?? readyCount),
    );
  else if (ready < desiredReplicas)
    conditions.push(
      isFalse(ConditionType.Ready, ConditionReason.WaitingForMachines, `${ready}/${desiredReplicas} control-plane machines ready`),
    );
  else conditions.push(isTrue(ConditionType.Ready));
  conditions.push(
    available
      ? isTrue('Available', observed?.reason, observed?.message)
      : isFalse('Available', observed?.reason ?? ConditionReason.WaitingForControlPlane, observed?.message ?? readyCount),
  );
  conditions.push(
    operation && touched && operation.kind !== 'provision' && operation.kind !== 'delete'
      ? isTrue(
          ConditionType.RollingOut,
          operation.kind === 'upgrade' ? ConditionReason.Upgrading : ConditionReason.RollingOut,
          `${operation.summary}: ${describeStep(operation)}`,
        )
      : isFalse(ConditionType.RollingOut, ConditionReason.NotRollingOut),
  );
  const version = oldestVersion(machines.map((m) => m.kubernetesVersion));
  const op = operationStatus(facts.progress, (o) => controlPlaneKinds.has(o.kind));
  const generation = tcp.metadata?.generation;
  return {
    fields: {
      selector: `${clusterNameLabel}=${facts.name},${controlPlaneLabel}`,
      replicas: machines.length,
      readyReplicas: ready,
      updatedReplicas: machines.filter((m) => isAtWantedVersions(m, wanted)).length,
      unavailableReplicas: unavailable,
      initialized,
      bootstrapped: initialized,
      ready: available,
      ...(version ? { version } : {}),
      ...(generation === undefined ? {} : { observedGeneration: generation }),
      ...(op ? { operation: op } : {}),
    },
    conditions,
  };
}
