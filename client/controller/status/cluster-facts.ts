import type { ClusterProgress } from '../../../api/cluster-messages.ts';
import { ConditionReason } from '../../../api/capi/conditions.ts';
import type { WorkflowState } from '../workflow-state.ts';
import type { SpecVerdict } from './spec-verdict.ts';
import { blockedRemedy } from '../../../api/blocked-remedy.ts';

/** Everything one reconcile knows about a cluster: the inputs of every status it writes. */
export interface ClusterFacts {
  readonly namespace: string;
  readonly name: string;
  readonly generation?: number | undefined;
  readonly deleting: boolean;
  readonly paused: boolean;
  /** The mapping's verdict (absent while deleting: a deleted cluster's objects need not map). */
  readonly spec?: SpecVerdict | undefined;
  readonly workflow: WorkflowState;
  /** The cluster workflow's latest `clusterProgress` answer, when one was polled. */
  readonly progress?: ClusterProgress | undefined;
}

/** Why a cluster does not move on, in the order an operator should fix things; undefined when nothing holds it. */
export interface Blocker {
  readonly reason: string;
  readonly message: string;
}

/** The first thing that holds the cluster: its manifests, a pause, its workflow, a blocked step, a refusal. */
export function blockerOf(facts: ClusterFacts): Blocker | undefined {
  if (facts.spec && !facts.spec.valid) return { reason: facts.spec.reason, message: facts.spec.message };
  // Before the pause `capstan move` set: the pause alone would leave Ready as it was.
  if (facts.workflow.state === 'released') {
    return {
      reason: ConditionReason.WorkflowEnded,
      message: `the cluster was moved to ${facts.workflow.to} (capstan move) and is managed there; this management cluster acts on it no more`,
    };
  }
  if (facts.paused) {
    return {
      reason: ConditionReason.Paused,
      message: 'the Cluster is paused (spec.paused or the cluster.x-k8s.io/paused annotation): no operation starts until it is resumed',
    };
  }
  if (facts.workflow.state === 'ended') {
    return {
      reason: ConditionReason.WorkflowEnded,
      message: `the cluster workflow ended (${facts.workflow.status}${facts.workflow.message ? `: ${facts.workflow.message}` : ''}) and nothing acts on this cluster; reset the workflow in the Temporal Web UI to go on`,
    };
  }
  if (facts.workflow.state === 'unknown' && facts.workflow.error !== undefined) {
    return {
      reason: ConditionReason.TemporalUnavailable,
      message: `cannot reach Temporal to find the cluster workflow: ${facts.workflow.error}`,
    };
  }
  const blocked = facts.progress?.blocked ?? [];
  const first = blocked[0];
  if (first) {
    const more = blocked.length > 1 ? ` (and ${blocked.length - 1} more blocked)` : '';
    return {
      reason: ConditionReason.StepFailed,
      message: `step "${first.step}" of ${first.workflowId} failed: ${first.errorType}: ${first.message}${more}; ${blockedRemedy(facts)}`,
    };
  }
  if (facts.progress?.phase === 'Held')
    return { reason: ConditionReason.Held, message: facts.progress.held ?? 'the cluster workflow waits for a new spec' };
  return undefined;
}
