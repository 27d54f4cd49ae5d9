import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  TerminatedFailure,
} from '@temporalio/workflow';
import type { ClusterPlan } from '../../api/cluster-plan.ts';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { ErrorType } from '../../api/errors.ts';
import type { OperationInput, OperationOutcome } from '../../api/cluster-operations.ts';
import { operationMetadata } from '../../plan/workflow-summaries.ts';
import { controlPlaneWorkflow } from '../control-plane-workflow.ts';
import { deleteClusterWorkflow } from '../delete-cluster-workflow.ts';
import { etcdRestoreWorkflow } from '../etcd-restore-workflow.ts';
import { machineDeploymentWorkflow } from '../machine-deployment-workflow.ts';
import { provisionWorkflow } from '../provision-workflow.ts';
import { repairWorkflow } from '../repair-workflow.ts';
import { upgradeStepNames, upgradeWorkflow } from '../upgrade-workflow.ts';

type Planned = Extract<ClusterPlan, { ok: true }>;

/** How an operation ended, seen from the cluster workflow. */
export interface OperationEnd {
  /** Terminated: someone ended the run (e.g. from the Web UI); nothing is held, the next plan starts from a new observation. */
  /** Outdated: the plan no longer fit what the operation observed; the next plan starts from a new observation. */
  readonly outcome: OperationOutcome['outcome'] | 'Failed' | 'Outdated' | 'Superseded' | 'Terminated';
  readonly reason?: string | undefined;
}

/**
 * Runs the planned operation as a child workflow until it ends — or until `supersede` names a
 * reason to stop it (a new spec while it is blocked; the cluster being deleted). Then the child is
 * cancelled: its runs end at the step they are in (activities are cancelled, VMs being built stay
 * recorded in the inventory) and the next plan starts from a fresh observation.
 */
export async function runOperationChild(
  workflowId: string,
  plan: Planned,
  input: OperationInput,
  supersede: () => string | undefined,
): Promise<OperationEnd> {
  const scope = new CancellationScope();
  // One object, not three `let`s: the callbacks below write it while the condition reads it.
  const run: { finished: boolean; end?: OperationEnd; failure?: unknown } = { finished: false };
  const child = scope
    .run(() => startOperation(workflowId, plan, input))
    .then(
      (outcome) => {
        run.end = { outcome: outcome.outcome, reason: outcome.reason };
      },
      (error: unknown) => {
        if (isCancellation(error)) run.end = { outcome: 'Superseded' };
        else if (error instanceof ChildWorkflowFailure && error.cause instanceof TerminatedFailure)
          run.end = { outcome: 'Terminated', reason: error.cause.message };
        else if (error instanceof ChildWorkflowFailure && isOutdated(error))
          run.end = { outcome: 'Outdated', reason: error.cause?.message };
        else if (error instanceof ChildWorkflowFailure) run.end = { outcome: 'Failed', reason: error.cause?.message ?? error.message };
        else run.failure = error;
      },
    )
    .finally(() => {
      run.finished = true;
    });
  let reason: string | undefined;
  await condition(() => run.finished || (reason = supersede()) !== undefined);
  if (!run.finished) {
    scope.cancel();
    await child;
  }
  if (run.failure !== undefined) throw run.failure as Error;
  // A run that finished before the cancellation reached it keeps its own outcome.
  if (run.end === undefined || run.end.outcome === 'Superseded') return { outcome: 'Superseded', reason };
  return run.end;
}

function startOperation(workflowId: string, plan: Planned, input: OperationInput): Promise<OperationOutcome> {
  // The Web UI's summary and details of the run, counting steps as the run will.
  const desired = DesiredCluster.safeParse(input.desired).data;
  const steps = plan.operation === 'upgrade' && desired ? upgradeStepNames(desired, input.observed, plan.hops).length : plan.steps.length;
  const metadata = operationMetadata(input.desired, plan, steps);
  const child = { workflowId, parentClosePolicy: ParentClosePolicy.TERMINATE, ...metadata } as const;
  const summary = plan.summary;
  switch (plan.operation) {
    case 'provision':
      return executeChild(provisionWorkflow, { ...child, args: [{ ...input, summary, leftovers: plan.leftovers }] });
    case 'repair':
      return executeChild(repairWorkflow, { ...child, args: [{ ...input, summary, machines: plan.machines, strayVms: plan.strayVms }] });
    case 'delete':
      return executeChild(deleteClusterWorkflow, { ...child, args: [{ ...input, summary }] });
    case 'upgrade':
      return executeChild(upgradeWorkflow, { ...child, args: [{ ...input, summary, hops: plan.hops }] });
    case 'scale-control-plane':
    case 'rollout-control-plane':
      return executeChild(controlPlaneWorkflow, {
        ...child,
        args: [{ ...input, kind: plan.operation, summary, controlPlaneSteps: plan.controlPlaneSteps }],
      });
    case 'scale-machine-deployment':
    case 'rollout-machine-deployment':
      return executeChild(machineDeploymentWorkflow, {
        ...child,
        args: [{ ...input, kind: plan.operation, deployment: plan.deployment, summary, steps: plan.steps }],
      });
    case 'etcd-restore':
      return executeChild(etcdRestoreWorkflow, {
        ...child,
        args: [{ ...input, summary, snapshot: plan.snapshot, controlPlanes: plan.controlPlanes }],
      });
    case 'none':
      return Promise.resolve({ outcome: 'Succeeded' });
  }
}

function isOutdated(error: ChildWorkflowFailure): boolean {
  return error.cause instanceof ApplicationFailure && error.cause.type === ErrorType.PlanOutdated;
}
