import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import { controlPlaneStepNames, runControlPlaneSteps } from './operation/run-control-plane-steps.ts';
import { runOperation } from './operation/run-operation.ts';
import type { ControlPlaneStep } from '../api/cluster-plan.ts';

/** A planned control-plane scale or rollout. */
export interface ControlPlaneOperation extends OperationInput {
  readonly kind: 'scale-control-plane' | 'rollout-control-plane';
  readonly summary: string;
  readonly controlPlaneSteps: readonly ControlPlaneStep[];
}

/**
 * Scales or rolls out the control plane one member at a time, as planned from quorum-safe
 * sequences: etcd snapshot first, a new member votes before an old one leaves, every etcd
 * membership change is an explicit step.
 */
export async function controlPlaneWorkflow(input: ControlPlaneOperation): Promise<OperationOutcome> {
  return runOperation(
    input,
    { kind: input.kind, summary: () => input.summary, steps: () => controlPlaneStepNames(input.controlPlaneSteps) },
    (scope) => runControlPlaneSteps(scope, scope.desired, input.controlPlaneSteps),
  );
}
