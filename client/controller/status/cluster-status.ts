import { ConditionReason, ConditionType, type Condition } from '../../../api/capi/conditions.ts';
import type { ClusterStatus } from '../../../api/capi/cluster.ts';
import { blockerOf, type ClusterFacts } from './cluster-facts.ts';
import { isFalse, isTrue, type ConditionDraft } from './conditions.ts';
import { operationStatus } from './operation-status.ts';
import { describeStep, machinesOf, oldestVersion, operationOf } from './progress-view.ts';
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
 * (InfrastructureReady, ControlPlaneInitialized, ControlPlaneAvailable, RollingOut, Deleting,
 * Paused, Blocked, and Ready summing them up), the control plane's version and the operation.
 */
export function clusterStatus(facts: ClusterFacts, stored: ClusterStatus | undefined): StatusDraft {
  const machines = machinesOf(facts.progress);
  const controlPlanes = machines.filter((m) => m.role === 'control-plane');
  const readyControlPlanes = controlPlanes.filter((m) => m.ready).length;
  const wasInitialized =
    stored?.conditions?.some((c: Condition) => c.type === ConditionType.ControlPlaneInitialized && c.status === 'True') ?? false;
  const initialized = wasInitialized || readyControlPlanes > 0;
  // A majority of etcd members answering: the control plane can take writes.
  const available = controlPlanes.length > 0 && readyControlPlanes > controlPlanes.length / 2;
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
    available
      ? isTrue(ConditionType.ControlPlaneAvailable, undefined, cpCount)
      : isFalse(
          ConditionType.ControlPlaneAvailable,
          waiting?.reason ?? ConditionReason.WaitingForControlPlane,
          waiting?.message ?? cpCount,
        ),
  );
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
  conditions.unshift(
    readyCondition(facts, { available, blocker, provisioning, machines: machines.map((m) => ({ name: m.name, ready: m.ready })) }),
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
    const blocked = (facts.progress?.blocked.length ?? 0) > 0 ? ', which is blocked: `capstan retry` or `capstan abort` it' : '';
    return `waits for "${operation.summary}" to end first${blocked}`;
  }
  return 'waiting for the cluster workflow to delete the cluster';
}

function readyCondition(
  facts: ClusterFacts,
  at: {
    available: boolean;
    blocker: { reason: string; message: string } | undefined;
    provisioning: { reason: string; message: string } | undefined;
    machines: { name: string; ready: boolean }[];
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
      paused ?? { reason: ConditionReason.WaitingForControlPlane, message: 'the control plane has no etcd quorum of Ready machines' };
    return isFalse(ConditionType.Ready, why.reason, why.message);
  }
  const notReady = at.machines.filter((m) => !m.ready).map((m) => m.name);
  if (notReady.length > 0) return isFalse(ConditionType.Ready, ConditionReason.WaitingForMachines, `not Ready: ${notReady.join(', ')}`);
  return isTrue(ConditionType.Ready);
}
