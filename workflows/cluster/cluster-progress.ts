import type { BlockedRun, ClusterProgress, MachineProgress, RunProgress } from '../../api/cluster-messages.ts';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { ObservedCluster, ObservedMachine } from '../../api/observed-cluster.ts';
import type { ClusterObservation } from '../../api/observation.ts';
import { machineConditions } from '../../plan/machine-conditions.ts';
import { isUpToDate } from '../../plan/rollout.ts';
import { shapeHash } from '../../plan/shape-hash.ts';

/** What the cluster workflow knows when it is asked for progress. */
export interface ProgressFacts {
  readonly cluster: string;
  readonly generation?: number | undefined;
  readonly observed: ObservedCluster;
  /** The observation `observed` was derived from: each machine's conditions come from it. */
  readonly observation?: ClusterObservation | undefined;
  readonly deleted: boolean;
  /** Handed to another management cluster: the run ended. */
  readonly released?: boolean | undefined;
  readonly held?: string | undefined;
  /** The running operation: its workflow id and kind. */
  readonly operation?:
    { readonly workflowId: string; readonly kind: string; readonly summary: string; readonly deployment?: string | undefined } | undefined;
  /** The spec machines are judged against (upToDate); absent while none is valid. */
  readonly desired?: DesiredCluster | undefined;
  /** The latest report of every run under the cluster, by workflow id. */
  readonly runs: ReadonlyMap<string, RunProgress>;
  readonly recent: ClusterProgress['recent'];
  readonly operations: number;
  readonly deleteRequested: boolean;
}

/** Builds the `clusterProgress` answer: the operation's step, each machine's activity, and every blocked run. */
export function clusterProgress(facts: ProgressFacts): ClusterProgress {
  const runs = [...facts.runs.values()];
  const blocked: BlockedRun[] = runs.flatMap((r) =>
    r.progress.phase === 'Blocked' && r.progress.blocked
      ? [
          {
            workflowId: r.workflowId,
            step: r.progress.blocked.step,
            errorType: r.progress.blocked.errorType,
            message: r.progress.blocked.message,
            since: r.progress.blocked.since,
          },
        ]
      : [],
  );
  const activity = new Map<string, string>();
  for (const r of runs) {
    if (r.machine === undefined || r.progress.phase === 'Succeeded') continue;
    activity.set(
      r.machine,
      `${r.progress.summary}: ${r.progress.currentStep} (${r.progress.step}/${r.progress.steps})${r.progress.phase === 'Running' ? '' : `, ${r.progress.phase}`}`,
    );
  }
  const observation = facts.observation;
  const conditionsOf = (name: string): Pick<MachineProgress, 'conditions'> => {
    const raw = observation?.machines.find((m) => m.name === name);
    if (!observation || !raw) return {};
    return {
      conditions: machineConditions(raw, {
        kubernetesApi: observation.kubernetesApi,
        etcdMembersKnown: observation.etcdMembers !== undefined,
      }),
    };
  };
  const machines: MachineProgress[] = facts.observed.machines.map((m) => ({
    name: m.name,
    role: m.role,
    phase: m.phase,
    ready: m.ready,
    kubernetesVersion: m.kubernetesVersion,
    talosVersion: m.talosVersion,
    ...(m.deployment ? { deployment: m.deployment } : {}),
    ...(m.vm ? { vm: { node: m.vm.node, vmid: m.vm.vmid } } : {}),
    ...(facts.desired ? { upToDate: upToDate(facts.desired, m) } : {}),
    ...(m.address ? { address: m.address } : {}),
    ...(m.providerID === undefined ? {} : { providerID: m.providerID }),
    ...(activity.has(m.name) ? { activity: activity.get(m.name) ?? '' } : {}),
    ...conditionsOf(m.name),
  }));
  // Machines being built are not observed until their run ends: show them from their reports.
  for (const [name, doing] of activity) {
    if (machines.some((m) => m.name === name)) continue;
    const role = runs.find((r) => r.machine === name)?.progress.summary.includes('control-plane') ? 'control-plane' : 'worker';
    machines.push({ name, role, phase: 'Provisioning', ready: false, kubernetesVersion: '', talosVersion: '', activity: doing });
  }
  const op = facts.operation ? facts.runs.get(facts.operation.workflowId)?.progress : undefined;
  const phase: ClusterProgress['phase'] = facts.deleted
    ? 'Deleted'
    : facts.released
      ? 'Released'
      : blocked.length > 0
        ? 'Blocked'
        : op?.phase === 'Paused'
          ? 'Paused'
          : facts.operation
            ? 'Running'
            : facts.held
              ? 'Held'
              : 'Idle';
  return {
    cluster: facts.cluster,
    phase,
    ...(facts.generation === undefined ? {} : { generation: facts.generation }),
    ...(facts.operation
      ? {
          operation: {
            workflowId: facts.operation.workflowId,
            kind: facts.operation.kind,
            summary: facts.operation.summary,
            step: op?.step ?? 0,
            steps: op?.steps ?? 0,
            currentStep: op?.currentStep ?? '',
            ...(facts.operation.deployment === undefined ? {} : { deployment: facts.operation.deployment }),
          },
        }
      : {}),
    ...(facts.held ? { held: facts.held } : {}),
    blocked,
    machines,
    operations: facts.operations,
    deleteRequested: facts.deleteRequested,
    bootstrapped: facts.observed.bootstrapped,
    ...(facts.observed.controlPlaneEndpoint === undefined ? {} : { controlPlaneEndpoint: facts.observed.controlPlaneEndpoint }),
    recent: facts.recent,
  };
}

/** Built from the desired shape and versions of its group. */
function upToDate(desired: DesiredCluster, machine: ObservedMachine): boolean {
  const group = machine.role === 'worker' ? desired.machineDeployments.find((md) => md.name === machine.deployment) : undefined;
  if (machine.role === 'worker' && !group) return false;
  const shape = group?.machine ?? desired.controlPlane.machine;
  const kubernetesVersion = group?.kubernetesVersion ?? desired.kubernetesVersion;
  return isUpToDate(machine, { shapeHash: shapeHash(shape), kubernetesVersion, talosVersion: desired.talosVersion });
}
