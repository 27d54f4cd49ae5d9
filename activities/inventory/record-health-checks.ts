// The verdicts of the cluster's MachineHealthChecks, written where CAPI users look: the Machines'
// HealthCheckSucceeded / OwnerRemediated conditions and each MachineHealthCheck's status, under
// field manager `capstan-health`, with CAPI's Events. Only what changed is written.
import { clusterNameLabel } from '../../api/capi/annotations.ts';
import { MachineConditionReason as Reason, MachineConditionType as Type } from '../../api/capi/machine-conditions.ts';
import type { MachineConditionView } from '../../api/cluster-messages.ts';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import type { HealthCheckResult } from '../../api/health-check.ts';
import { stampConditions } from '../../plan/machine-conditions.ts';
import type { EventWriter } from './events.ts';
import type { KubeObject, ObjectStore } from './objects.ts';

/** What recording the verdicts wrote. */
export interface RecordHealthChecksResult {
  readonly machinesWritten: number;
  readonly healthChecksWritten: number;
  readonly events: number;
}

const healthTypes: readonly string[] = [Type.HealthCheckSucceeded, Type.OwnerRemediated];

/** CAPI's condition type on a MachineHealthCheck. */
export const remediationAllowedCondition = 'RemediationAllowed';
/** CAPI's reason when more machines are unhealthy than maxUnhealthy / unhealthyRange allow. */
export const tooManyUnhealthyReason = 'TooManyUnhealthy';

interface StoredCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/**
 * Writes the health conditions of every Machine of the cluster (none on a Machine no check
 * targets, which removes stale ones) and the status of every MachineHealthCheck object that
 * exists; Events MachineMarkedUnhealthy (on a Machine that just became unhealthy) and
 * RemediationRestricted (on a check that just stopped allowing remediation).
 */
export async function recordHealthChecks(
  store: ObjectStore,
  events: EventWriter,
  cluster: ClusterRef,
  results: readonly HealthCheckResult[],
): Promise<RecordHealthChecksResult> {
  const { namespace } = cluster;
  const now = new Date().toISOString();
  let machinesWritten = 0;
  let healthChecksWritten = 0;
  let recorded = 0;
  const machines = await store.list('Machine', namespace, `${clusterNameLabel}=${cluster.name}`);
  for (const machine of machines) {
    const wanted = machineHealth(machine.metadata.name, results);
    const current = conditionsOf(machine).filter((c) => healthTypes.includes(c.type));
    if (sameConditions(wanted, current)) continue;
    await store.applyStatus('Machine', namespace, machine.metadata.name, { conditions: stampConditions(wanted, current, now) });
    machinesWritten += 1;
    const verdict = wanted.find((c) => c.type === Type.HealthCheckSucceeded);
    const before = current.find((c) => c.type === Type.HealthCheckSucceeded);
    if (verdict?.status === 'False' && before?.status !== 'False') {
      const check = results.find((r) => r.unhealthy.some((u) => u.machine === machine.metadata.name));
      await events.record(cluster, {
        kind: 'Machine',
        name: machine.metadata.name,
        type: 'Normal',
        reason: 'MachineMarkedUnhealthy',
        message: `Machine ${namespace}/${machine.metadata.name} has been marked as unhealthy by MachineHealthCheck ${namespace}/${check?.name ?? '?'}: ${verdict.message ?? verdict.reason}`,
      });
      recorded += 1;
    }
  }
  for (const result of results) {
    const object = await store.get('MachineHealthCheck', namespace, result.name);
    if (!object) continue; // workflow tests and clusters without the object: nothing to report on
    const wanted = healthCheckStatus(result, object);
    const current = object.status ?? {};
    const counts = wanted as unknown as Readonly<Record<string, unknown>>;
    const currentConditions = conditionsOf(object);
    const unchanged =
      ['expectedMachines', 'currentHealthy', 'remediationsAllowed', 'observedGeneration'].every((k) => current[k] === counts[k]) &&
      JSON.stringify(current['targets'] ?? []) === JSON.stringify(wanted.targets) &&
      sameConditions(wanted.conditions, currentConditions);
    if (unchanged) continue;
    await store.applyStatus('MachineHealthCheck', namespace, result.name, {
      ...wanted,
      conditions: stampConditions(wanted.conditions, currentConditions, now),
    });
    healthChecksWritten += 1;
    const before = currentConditions.find((c) => c.type === remediationAllowedCondition);
    if (!result.remediationAllowed && before?.status !== 'False') {
      await events.record(cluster, {
        kind: 'MachineHealthCheck',
        name: result.name,
        type: 'Warning',
        reason: 'RemediationRestricted',
        message: result.message ?? 'Remediation is not allowed: too many machines are unhealthy',
      });
      recorded += 1;
    }
  }
  return { machinesWritten, healthChecksWritten, events: recorded };
}

/** A Machine's health conditions from every check that targets it (none when no check does). */
export function machineHealth(machine: string, results: readonly HealthCheckResult[]): MachineConditionView[] {
  const targeting = results.filter((r) => r.targets.includes(machine));
  if (targeting.length === 0) return [];
  const verdicts = targeting.flatMap((r) => r.unhealthy.filter((u) => u.machine === machine).map((u) => ({ ...u, result: r })));
  const first = verdicts[0];
  if (!first) return [{ type: Type.HealthCheckSucceeded, status: 'True', reason: Reason.HealthCheckSucceeded }];
  const conditions: MachineConditionView[] = [
    { type: Type.HealthCheckSucceeded, status: 'False', reason: first.reason, message: first.message },
  ];
  if (verdicts.some((v) => v.result.remediationAllowed)) {
    conditions.push({
      type: Type.OwnerRemediated,
      status: 'False',
      reason: Reason.WaitingForRemediation,
      message: 'Waiting for remediation',
    });
  }
  return conditions;
}

function healthCheckStatus(result: HealthCheckResult, object: KubeObject) {
  const targets = [...result.targets].sort();
  const allowed: MachineConditionView = result.remediationAllowed
    ? { type: remediationAllowedCondition, status: 'True', reason: 'RemediationAllowed' }
    : {
        type: remediationAllowedCondition,
        status: 'False',
        reason: tooManyUnhealthyReason,
        message: result.message ?? 'Remediation is not allowed: too many machines are unhealthy',
      };
  return {
    expectedMachines: targets.length,
    currentHealthy: result.currentHealthy,
    remediationsAllowed: result.remediationAllowed ? result.remediationsAllowed : 0,
    targets,
    ...(object.metadata.generation === undefined ? {} : { observedGeneration: object.metadata.generation }),
    conditions: [allowed],
  };
}

function conditionsOf(object: KubeObject): StoredCondition[] {
  const conditions = object.status?.['conditions'];
  return Array.isArray(conditions) ? (conditions as StoredCondition[]) : [];
}

/** Same types, statuses, reasons and messages (times aside), in any order. */
export function sameConditions(wanted: readonly MachineConditionView[], current: readonly StoredCondition[]): boolean {
  if (wanted.length !== current.length) return false;
  return wanted.every((w) => {
    const c = current.find((x) => x.type === w.type);
    return c !== undefined && c.status === w.status && (c.reason ?? '') === w.reason && (c.message ?? '') === (w.message ?? '');
  });
}
