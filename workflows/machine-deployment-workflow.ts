import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import { reconcileDeployment } from './operation/reconcile-deployment.ts';
import { runOperation } from './operation/run-operation.ts';

/** Scale or roll out one MachineDeployment; `steps` are the planned batches (the dry run's). */
export interface MachineDeploymentOperation extends OperationInput {
  readonly deployment: string;
  readonly kind: 'scale-machine-deployment' | 'rollout-machine-deployment';
  readonly summary: string;
  readonly steps: readonly string[];
}

/**
 * Brings one MachineDeployment to its spec: scales it (delete policy, unhealthy machines first)
 * or rolls it out batch by batch with CAPI's maxSurge/maxUnavailable semantics. A deployment
 * no longer in the spec is scaled to zero.
 */
export async function machineDeploymentWorkflow(input: MachineDeploymentOperation): Promise<OperationOutcome> {
  return runOperation(input, { kind: input.kind, summary: () => input.summary, steps: () => input.steps }, (scope) =>
    reconcileDeployment(scope, scope.desired, input.deployment),
  );
}
