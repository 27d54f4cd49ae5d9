import {
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  executeChild,
  ParentClosePolicy,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  clusterProgressQuery,
  deleteClusterSignal,
  desiredClusterSignal,
  planQuery,
  runProgressSignal,
  type ClusterProgress,
  type RunProgress,
} from '../api/cluster-messages.ts';
import type { OperationOutcome } from '../api/cluster-operations.ts';
import { DesiredCluster, type DesiredClusterInput } from '../api/desired-cluster.ts';
import { clusterWorkflowId, operationWorkflowId } from '../api/ids.ts';
import type { ObservedCluster } from '../api/observed-cluster.ts';
import { CapstanCluster, CapstanOperation, CapstanPhase } from '../api/search-attributes.ts';
import { clusterProgress } from './cluster/cluster-progress.ts';
import { observedFromProvision } from './cluster/observed-from-provision.ts';
import { controlPlaneWorkflow } from './control-plane-workflow.ts';
import { deleteClusterWorkflow } from './delete-cluster-workflow.ts';
import { machineDeploymentWorkflow } from './machine-deployment-workflow.ts';
import { planCluster } from '../plan/cluster-plan.ts';
import { provisionWorkflow } from './provision-workflow.ts';
import { upgradeWorkflow } from './upgrade-workflow.ts';
import type { ClusterPlan } from '../api/cluster-plan.ts';
import { clusterKey } from '../api/cluster-ref.ts';
import type { ClusterWorkflow, ClusterWorkflowState } from '../api/cluster-workflow-state.ts';

/** Continue-as-new well before Temporal's limits (50K events, 50 MB), between operations. */
const defaultHistoryLimit = 8_000;
/** The same operation planned again and again means it cannot make progress. */
const maxRepeats = 3;

type Planned = Extract<ClusterPlan, { ok: true }>;

/**
 * The long-lived workflow of one cluster (`cluster/<ns>/<name>`): receives desired states by
 * signal (signalWithStart), plans from desired vs observed, runs one operation at a time as a
 * child workflow, coalesces changes that arrive meanwhile (the latest spec is planned next),
 * answers `clusterProgress` and `plan` (the dry run), and continues-as-new between operations.
 */
export async function clusterWorkflow(input: ClusterWorkflowState): ReturnType<ClusterWorkflow> {
  const state: ClusterWorkflowState = { ...input };
  const runs = new Map<string, RunProgress>();
  let operation: { workflowId: string; kind: string; summary: string; deployment?: string } | undefined;
  const key = clusterKey({ namespace: state.namespace, name: state.name });
  const fingerprint = (): string => JSON.stringify({ desired: state.desired, deleting: state.deleting });
  const progress = (deleted = false): ClusterProgress => {
    const desired = DesiredCluster.safeParse(state.desired).data;
    return clusterProgress({
      cluster: key,
      generation: state.desired?.generation,
      observed: state.observed,
      deleted,
      held: state.held,
      operation,
      runs,
      recent: state.recent,
      operations: state.operations,
      deleteRequested: state.deleting,
      desired,
    });
  };
  let published = '';
  const publish = (deleted = false): void => {
    const now = progress(deleted);
    const summary = now.operation
      ? `${now.operation.summary}, step ${now.operation.step}/${now.operation.steps}`
      : (now.held ?? (deleted ? 'deleted' : 'up to date'));
    if (`${now.phase}/${summary}` === published) return;
    published = `${now.phase}/${summary}`;
    upsertSearchAttributes([{ key: CapstanPhase, value: now.phase }]);
    upsertMemo({ summary, phase: now.phase });
  };

  setHandler(desiredClusterSignal, (desired) => {
    state.desired = desired;
  });
  setHandler(deleteClusterSignal, () => {
    state.deleting = true;
  });
  setHandler(runProgressSignal, (report) => {
    runs.set(report.workflowId, report);
    publish();
  });
  setHandler(clusterProgressQuery, () => progress());
  setHandler(planQuery, (desired?: DesiredClusterInput) => {
    const parsed = DesiredCluster.safeParse(desired ?? state.desired);
    if (!parsed.success) return { ok: false, operation: 'none', reason: describeIssues(parsed.error.issues) };
    return planCluster({ desired: parsed.data, observed: state.observed, deleting: state.deleting });
  });
  upsertSearchAttributes([
    { key: CapstanCluster, value: key },
    { key: CapstanOperation, value: 'cluster' },
  ]);
  publish();

  let last = '';
  let repeats = 0;
  for (;;) {
    const tooLong = (): boolean => {
      const info = workflowInfo();
      return info.continueAsNewSuggested || info.historyLength > (state.historyLimit ?? defaultHistoryLimit);
    };
    await condition(() => (state.desired !== undefined && fingerprint() !== state.settled) || tooLong());
    if (tooLong()) await continueAsNew<typeof clusterWorkflow>(state);
    const spec = fingerprint();
    const settle = (held?: string): void => {
      state.settled = spec;
      if (held === undefined) delete state.held;
      else state.held = held;
      publish();
    };
    const parsed = DesiredCluster.safeParse(state.desired);
    if (!parsed.success) {
      settle(`the desired state is invalid: ${describeIssues(parsed.error.issues)}`);
      continue;
    }
    const plan = planCluster({ desired: parsed.data, observed: state.observed, deleting: state.deleting });
    if (!plan.ok) {
      settle(`${plan.operation} refused: ${plan.reason}`);
      continue;
    }
    if (plan.operation === 'none') {
      settle();
      continue;
    }
    repeats = plan.summary === last ? repeats + 1 : 0;
    last = plan.summary;
    if (repeats >= maxRepeats) {
      settle(`"${plan.summary}" ran ${maxRepeats} times without reaching the desired state; change the spec to try again`);
      continue;
    }

    delete state.held;
    state.operations += 1;
    const workflowId = operationWorkflowId(state.namespace, state.name, plan.operation, state.operations);
    operation = {
      workflowId,
      kind: plan.operation,
      summary: plan.summary,
      ...('deployment' in plan ? { deployment: plan.deployment } : {}),
    };
    publish();
    let outcome: OperationOutcome['outcome'] | 'Failed';
    let reason: string | undefined;
    try {
      const result = await runOperationChild(workflowId, parsed.data, state.desired ?? parsed.data, state.observed, plan);
      state.observed = result.observed;
      outcome = result.outcome;
      reason = result.reason;
    } catch (error) {
      if (!(error instanceof ChildWorkflowFailure)) throw error;
      outcome = 'Failed';
      reason = error.cause?.message ?? error.message;
    }
    operation = undefined;
    runs.clear();
    state.recent = [
      ...state.recent,
      { kind: plan.operation, summary: plan.summary, outcome: reason ? `${outcome}: ${reason}` : outcome },
    ].slice(-10);
    if (plan.operation === 'delete' && outcome === 'Succeeded') {
      publish(true);
      return { deleted: true };
    }
    if (outcome !== 'Succeeded') settle(`${plan.summary}: ${outcome === 'Aborted' ? 'aborted' : 'failed'}: ${reason ?? ''}`);
    else publish();
  }
}

function describeIssues(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Starts the planned operation as a child workflow and maps its result onto the cluster's state. */
async function runOperationChild(
  workflowId: string,
  desired: DesiredCluster,
  desiredInput: DesiredClusterInput,
  observed: ObservedCluster,
  plan: Planned,
): Promise<OperationOutcome> {
  const reportTo = clusterWorkflowId(desired.namespace, desired.name);
  const child = { workflowId, parentClosePolicy: ParentClosePolicy.TERMINATE } as const;
  const base = { desired: desiredInput, observed, reportTo };
  switch (plan.operation) {
    case 'provision': {
      const result = await executeChild(provisionWorkflow, { ...child, args: [desiredInput, { reportTo }] });
      const next = observedFromProvision(desired, result, new Date().toISOString());
      return {
        observed: next,
        ...(result.aborted === undefined ? { outcome: 'Succeeded' } : { outcome: 'Aborted', reason: result.aborted }),
      };
    }
    case 'delete': {
      const machines = observed.machines.map((m) => ({
        machine: m.name,
        role: m.role,
        deployment: m.deployment,
        vm: m.vm,
        address: m.staticAddress,
      }));
      await executeChild(deleteClusterWorkflow, { ...child, args: [desiredInput, machines, { reportTo }] });
      return { observed: { machines: [], bootstrapped: false }, outcome: 'Succeeded' };
    }
    case 'upgrade':
      return executeChild(upgradeWorkflow, { ...child, args: [{ ...base, summary: plan.summary, hops: plan.hops }] });
    case 'scale-control-plane':
    case 'rollout-control-plane':
      return executeChild(controlPlaneWorkflow, {
        ...child,
        args: [{ ...base, kind: plan.operation, summary: plan.summary, controlPlaneSteps: plan.controlPlaneSteps }],
      });
    case 'scale-machine-deployment':
    case 'rollout-machine-deployment':
      return executeChild(machineDeploymentWorkflow, {
        ...child,
        args: [{ ...base, kind: plan.operation, deployment: plan.deployment, summary: plan.summary, steps: plan.steps }],
      });
    case 'none':
      return { observed, outcome: 'Succeeded' };
  }
}
