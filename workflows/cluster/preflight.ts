import { ActivityFailure } from '@temporalio/workflow';
import type { ClusterPlan } from '../../api/cluster-plan.ts';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { operationWorkflowId } from '../../api/ids.ts';
import { describePreflightProblem } from '../../api/preflight.ts';
import { preflightFor } from '../../plan/preflight-input.ts';
import { calls } from '../activity-profiles.ts';
import type { ClusterView } from './cluster-view.ts';

/**
 * Checks a planned operation against the spec's own configs and one look at Proxmox before it
 * builds anything. Returns why it must not start (every problem, each naming the object and field
 * to fix), or undefined when it may. A check that cannot finish refuses too: it is tried again at
 * the next observation rather than building blind. While it runs, the cluster shows the operation
 * as starting (Running), not Idle.
 */
export async function refuseBeforeBuilding(
  view: ClusterView,
  state: ClusterWorkflowState,
  desired: DesiredCluster,
  plan: Extract<ClusterPlan, { ok: true }>,
): Promise<string | undefined> {
  const input = preflightFor(desired, plan, view.observed.controlPlaneEndpoint);
  if (!input) return undefined;
  const workflowId = operationWorkflowId(state.namespace, state.name, plan.operation, state.operations + 1);
  view.operation = {
    workflowId,
    kind: plan.operation,
    summary: plan.summary,
    deployment: 'deployment' in plan ? plan.deployment : undefined,
  };
  // Shown as the operation's step 0 until its own run reports (under the same id) or it is refused.
  const progress = {
    operation: plan.operation,
    summary: plan.summary,
    step: 0,
    steps: plan.steps.length,
    currentStep: 'check before building',
    phase: 'Running' as const,
  };
  view.report({ workflowId, progress });
  try {
    const { problems } = await calls.clusterPreflight(input);
    if (problems.length === 0) return undefined;
    return `${plan.operation} refused before anything was built: ${problems.map(describePreflightProblem).join('; ')}`;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return `${plan.operation} waits: the checks before building could not finish (${error.cause?.message ?? error.message}); they run again at the next observation`;
  } finally {
    view.operation = undefined;
    view.runs.delete(workflowId);
  }
}
