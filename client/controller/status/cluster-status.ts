import { ConditionReason, ConditionType, type Condition } from '../../../api/capi/conditions.ts';
import type { ClusterStatus } from '../../../api/capi/cluster.ts';
import { blockerOf, type ClusterFacts } from './cluster-facts.ts';
import { certificatesCondition } from './certificates-condition.ts';
import { etcdBackupCondition } from './etcd-backup-condition.ts';
import { isFalse, isTrue, type ConditionDraft } from './conditions.ts';
import { operationStatus } from './operation-status.ts';
import { describeStep, isMachineReady, machinesOf, oldestVersion, operationOf } from './progress-view.ts';
import type { Availability } from '../../../api/cluster-messages.ts';
import type { StatusDraft } from './status-draft.ts';

const rollingOutReasons: Readonly<Record<string, string>> = {
  upgrade: ConditionReason.Upgrading,
  'rollout-control-plane': ConditionReason.RollingOut,
  'rollout-machine-deployment': ConditionReason.RollingOut,
  'scale-control-plane': ConditionReason.ScalingUp,
  'scale-machine-deployment': ConditionReason.ScalingUp,
};

/** `scale md-0 3 → 2` scales down. */
function rollingOutReason(kind: string, summary: string): string | undefined {
  const reason = rollingOutReasons[kind];
  if (reason !== ConditionReason.ScalingUp) return reason;
  const counts = /(\d+) → (\d+)/.exec(summary);
  return counts && Number(counts[2]) < Number(counts[1]) ? ConditionReason.ScalingDown : reason;
}

/**
 * The Cluster's status from what the reconcile knows: CAPI's phase and conditions
 * (InfrastructureReady, ControlPlaneInitialized, ControlPlaneAvailable, WorkersAvailable,
 * RollingOut, Deleting, Paused, Blocked, and Ready summing them up), the control plane's version
 * and the operation. Availability is the workflow's verdict from its last observation when it
 * gives one; before that, it is judged from the machines' readiness.
 */
export function clusterStatus(facts: ClusterFacts, stored: ClusterStatus | undefined, nowMs = Date.now()): StatusDraft {
  const machines = machinesOf(facts.progress);
  const controlPlanes = machines.filter((m) => m.role === 'control-plane');
  const readyControlPlanes = controlPlanes.filter(isMachineReady).length;
  const wasInitialized =
    stored?.conditions?.some((c: Condition) => c.type === ConditionType.ControlPlaneInitialized && c.status === 'True') ?? false;
  const initialized = wasInitialized || readyControlPlanes > 0;
  const observed = facts.progress?.availability;
  // A majority of etcd members answering: the control plane can take writes.
  const available = observed ? observed.controlPlane.available : controlPlanes.length > 0 && readyControlPlanes > controlPlanes.length / 2;
  const infrastructure = initialized || machines.some((m) => m.phase === 'Running');
  const operation = operationOf(facts.progress);
  const blocker = blockerOf(facts);
  const provisioning =
    operation?.kind === 'provision' ? { reason: ConditionReason.Provisioning, message: describeStep(operation) } : undefined;
  const waiting = blocker ?? provisioning;
  const cpCount = `${readyControlPlanes}/${controlPlanes.length} control-plane machines ready`;

  const conditions: ConditionDraft[] = [];
  conditions.push(
    infrastructure
      ? isTrue(ConditionType.InfrastructureReady)
      : isFalse(ConditionType.InfrastructureReady, waiting?.reason ?? ConditionReason.Pending, waiting?.message),
  );
  conditions.push(
    initialized
      ? isTrue(ConditionType.ControlPlaneInitialized)
      : isFalse(ConditionType.ControlPlaneInitialized, waiting?.reason ?? ConditionReason.WaitingForControlPlane, waiting?.message),
  );
  conditions.push(
    observed
      ? availabilityCondition(ConditionType.ControlPlaneAvailable, observed.controlPlane)
      : available
        ? isTrue(ConditionType.ControlPlaneAvailable, undefined, cpCount)
        : isFalse(
            ConditionType.ControlPlaneAvailable,
            waiting?.reason ?? ConditionReason.WaitingForControlPlane,
            waiting?.message ?? cpCount,
          ),
  );
  const workers = observed?.workers ?? workersFromMachines(facts, waiting);
  conditions.push(availabilityCondition(ConditionType.WorkersAvailable, workers));
  const rolling = operation ? rollingOutReason(operation.kind, operation.summary) : undefined;
  conditions.push(
    operation && rolling
      ? isTrue(ConditionType.RollingOut, rolling, `${operation.summary}: ${describeStep(operation)}`)
      : isFalse(ConditionType.RollingOut, ConditionReason.NotRollingOut),
  );
  conditions.push(
    facts.deleting
      ? isTrue(ConditionType.Deleting, ConditionReason.Deleting, deletingMessage(facts))
      : isFalse(ConditionType.Deleting, ConditionReason.NotDeleting),
  );
  conditions.push(
    facts.paused ? isTrue(ConditionType.Paused, ConditionReason.Paused) : isFalse(ConditionType.Paused, ConditionReason.NotPaused),
  );
  conditions.push(
    blocker?.reason === ConditionReason.StepFailed
      ? isTrue(ConditionType.Blocked, blocker.reason, blocker.message)
      : isFalse(ConditionType.Blocked, ConditionReason.NotBlocked),
  );
  const certificates = certificatesCondition(facts.progress?.credentials, facts);
  if (certificates) conditions.push(certificates);
  const backups = etcdBackupCondition(facts.progress?.etcdBackup, nowMs);
  if (backups) conditions.push(backups);
  conditions.unshift(
    readyCondition(facts, {
      available,
      controlPlane: observed?.controlPlane,
      workers,
      blocker,
      provisioning,
      // Without the workflow's verdict, every machine must be Ready; with it, the two availabilities decide (CAPI v1beta2).
      notReady: observed ? [] : machines.filter((m) => !isMachineReady(m)).map((m) => m.name),
    }),
  );

  const phase = facts.deleting
    ? 'Deleting'
    : facts.workflow.state === 'ended'
      ? 'Failed'
      : initialized
        ? 'Provisioned'
        : machines.length > 0 || provisioning
          ? 'Provisioning'
          : facts.progress?.phase === 'Held'
            ? 'Failed'
            : 'Pending';
  const version = oldestVersion(controlPlanes.map((m) => m.kubernetesVersion));
  const op = operationStatus(facts.progress, () => true);
  return {
    fields: {
      phase,
      infrastructureReady: infrastructure,
      controlPlaneReady: available,
      ...(facts.generation === undefined ? {} : { observedGeneration: facts.generation }),
      ...(version ? { version } : {}),
      ...(op ? { operation: op } : {}),
    },
    conditions,
  };
}

/** Where a delete stands: waiting for a resume, for the running operation to end, or at its step. */
function deletingMessage(facts: ClusterFacts): string {
  if (facts.paused) return 'waits until the Cluster is resumed';
  const operation = operationOf(facts.progress);
  if (operation?.kind === 'delete') return describeStep(operation);
  if (operation) {
    return `waits for "${operation.summary}" to end at its next safe point`;
  }
  return 'waiting for the cluster workflow to delete the cluster';
}

/** A condition that says what the workflow found, reason and message as it gave them. */
function availabilityCondition(type: string, availability: Availability): ConditionDraft {
  return availability.available
    ? isTrue(type, availability.reason || undefined, availability.message || undefined)
    : isFalse(type, availability.reason || ConditionReason.WaitingForMachines, availability.message || undefined);
}

/** Workers judged from their machines, until the workflow reports its own verdict: every worker Ready. */
function workersFromMachines(facts: ClusterFacts, waiting: { reason: string; message: string } | undefined): Availability {
  const workers = machinesOf(facts.progress).filter((m) => m.role === 'worker');
  const ready = workers.filter(isMachineReady).length;
  const message = `${ready}/${workers.length} worker machines ready`;
  if (facts.progress === undefined || (workers.length === 0 && waiting))
    return {
      available: false,
      reason: waiting?.reason ?? ConditionReason.Pending,
      message: waiting?.message ?? 'no progress reported yet',
    };
  if (ready < workers.length) return { available: false, reason: ConditionReason.WaitingForMachines, message };
  return { available: true, reason: '', message };
}

function readyCondition(
  facts: ClusterFacts,
  at: {
    available: boolean;
    controlPlane: Availability | undefined;
    workers: Availability;
    blocker: { reason: string; message: string } | undefined;
    provisioning: { reason: string; message: string } | undefined;
    notReady: string[];
  },
): ConditionDraft {
  if (facts.deleting) return isFalse(ConditionType.Ready, ConditionReason.Deleting, 'the Cluster is being deleted');
  // A pause alone does not make a working cluster unready (the Paused condition says it); anything else that holds it does.
  const paused = at.blocker?.reason === ConditionReason.Paused ? at.blocker : undefined;
  if (at.blocker && !paused) return isFalse(ConditionType.Ready, at.blocker.reason, at.blocker.message);
  if (facts.progress === undefined) {
    if (paused) return isFalse(ConditionType.Ready, paused.reason, paused.message);
    return isFalse(
      ConditionType.Ready,
      ConditionReason.Pending,
      facts.workflow.state === 'running'
        ? 'waiting for the cluster workflow to report progress'
        : 'the cluster workflow has not started yet',
    );
  }
  if (!at.available) {
    const why = at.provisioning ??
      paused ??
      (at.controlPlane?.reason ? at.controlPlane : undefined) ?? {
        reason: ConditionReason.WaitingForControlPlane,
        message: 'the control plane has no etcd quorum of Ready machines',
      };
    return isFalse(ConditionType.Ready, why.reason, why.message);
  }
  if (at.notReady.length > 0)
    return isFalse(ConditionType.Ready, ConditionReason.WaitingForMachines, `not Ready: ${at.notReady.join(', ')}`);
  if (!at.workers.available) {
    const why = at.provisioning ?? paused ?? at.workers;
    return isFalse(ConditionType.Ready, why.reason || ConditionReason.WaitingForMachines, why.message);
  }
  return isTrue(ConditionType.Ready);
}
