import { setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { ClusterProgress, HealthCheckProgress, RunProgress } from '../../api/cluster-messages.ts';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import { clusterKey } from '../../api/cluster-ref.ts';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import type { HealthCheckResult } from '../../api/health-check.ts';
import type { ClusterObservation } from '../../api/observation.ts';
import { etcdQuorumLost } from '../../plan/etcd-quorum-lost.ts';
import type { ObservedCluster } from '../../api/observed-cluster.ts';
import { CapstanPhase } from '../../api/search-attributes.ts';
import { controlPlaneAvailability, workersAvailability } from '../../plan/availability.ts';
import { clusterDetails } from '../../plan/current-details.ts';
import { observedCluster } from '../../plan/observed-cluster.ts';
import { clusterProgress } from './cluster-progress.ts';

/** The operation the cluster workflow runs now. */
export interface RunningOperation {
  readonly workflowId: string;
  readonly kind: string;
  readonly summary: string;
  readonly deployment?: string | undefined;
}

/**
 * What the cluster workflow holds in memory between observations: the latest observation (carried
 * across continue-as-new as a cache, shown until the new run observes), the runs reporting to it,
 * the running operation, and what it last told the operator. Answers `clusterProgress` and keeps
 * the Web UI's search attribute and memo current.
 */
export class ClusterView {
  observation: ClusterObservation | undefined;
  observed: ObservedCluster = { machines: [], bootstrapped: false };
  operation: RunningOperation | undefined;
  /** Why nothing runs: a refused plan, an invalid spec, an observation that failed. */
  refusal: string | undefined;
  health: readonly HealthCheckResult[] = [];
  deferred: readonly { readonly machine: string; readonly why: string }[] = [];
  /** The cluster is gone: a query of the closed workflow says so instead of showing the last operation. */
  deleted = false;
  /** The cluster was handed to another management cluster and this run ended. */
  released = false;
  readonly runs = new Map<string, RunProgress>();
  private published = '';

  constructor(private readonly state: ClusterWorkflowState) {
    if (state.lastObservation) this.observe(state.lastObservation);
    delete state.lastObservation;
  }

  observe(observation: ClusterObservation): void {
    this.observation = observation;
    this.observed = observedCluster(observation);
  }

  /** The running operation's runs are over and what it left was observed: the cluster is idle again. */
  finishOperation(): void {
    if (this.operation === undefined) return;
    this.operation = undefined;
    this.runs.clear();
    this.publish();
  }

  report(run: RunProgress): void {
    this.runs.set(run.workflowId, run);
    this.publish();
  }

  /** Some run of the running operation waits for an operator. */
  blocked(): boolean {
    return [...this.runs.values()].some((r) => r.progress.phase === 'Blocked');
  }

  progress(): ClusterProgress {
    const deleted = this.deleted;
    const released = this.released;
    const desired = DesiredCluster.safeParse(this.state.desired).data;
    const held = this.state.hold?.reason ?? this.refusal;
    const base = clusterProgress({
      cluster: clusterKey(this.state),
      generation: this.state.desired?.generation,
      observed: this.observed,
      observation: this.observation,
      deleted,
      released,
      held,
      operation: this.operation,
      runs: this.runs,
      recent: this.state.recent,
      operations: this.state.operations,
      deleteRequested: this.state.deleting,
      desired,
    });
    const credentials = this.state.credentials;
    const etcdBackup = this.state.etcdBackup;
    const observation = this.observation;
    const withChecks = { ...base, ...(credentials ? { credentials } : {}), ...(etcdBackup ? { etcdBackup } : {}) };
    if (!observation) return withChecks;
    const quorumLost = etcdQuorumLost(observation, this.state.name);
    return {
      ...withChecks,
      observedAt: observation.at,
      availability: {
        controlPlane: controlPlaneAvailability(observation, this.observed),
        workers: desired
          ? workersAvailability(desired, this.observed)
          : { available: false, reason: 'InvalidSpec', message: 'the spec is not valid' },
      },
      healthChecks: this.health.map((h) => this.healthProgress(h)),
      ...(quorumLost ? { etcdQuorumLost: quorumLost } : {}),
    };
  }

  // The UI lists runs by these: CapstanPhase for filtering, the memo for the one-line summary.
  publish(): void {
    const deleted = this.deleted;
    const now = this.progress();
    const summary = now.operation
      ? `${now.operation.summary}, step ${now.operation.step}/${now.operation.steps}`
      : (now.held ??
        (deleted ? 'deleted' : this.released ? `released to ${this.state.released?.to ?? 'another management cluster'}` : 'up to date'));
    // Not a command (read through the metadata query): it follows every report, blocked runs included.
    setCurrentDetails(clusterDetails(now, this.state));
    if (`${now.phase}/${summary}` === this.published) return;
    this.published = `${now.phase}/${summary}`;
    upsertSearchAttributes([{ key: CapstanPhase, value: now.phase }]);
    upsertMemo({ summary, phase: now.phase });
  }

  private healthProgress(result: HealthCheckResult): HealthCheckProgress {
    const waits = new Map(this.deferred.map((d) => [d.machine, d.why]));
    return {
      name: result.name,
      expectedMachines: result.targets.length,
      currentHealthy: result.currentHealthy,
      remediationAllowed: result.remediationAllowed,
      ...(result.message === undefined ? {} : { message: result.message }),
      unhealthy: result.unhealthy.map((u) => ({
        machine: u.machine,
        reason: u.reason,
        message: waits.has(u.machine) ? `${u.message}; remediation waits: ${waits.get(u.machine) ?? ''}` : u.message,
      })),
    };
  }
}
