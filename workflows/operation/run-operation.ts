import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import type { OperationInput, OperationOutcome } from '../../api/cluster-operations.ts';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { ErrorType } from '../../api/errors.ts';
import { CapstanCluster, CapstanOperation } from '../../api/search-attributes.ts';
import { ClusterState } from './cluster-state.ts';
import { OperationAborted } from './operation-failures.ts';
import { OperationRunner } from './operation-runner.ts';
import type { OperationScope } from './operation-scope.ts';
import { clusterKey } from '../../api/cluster-ref.ts';

/** What an operation workflow declares before it starts. */
export interface OperationDeclaration {
  readonly kind: string;
  readonly summary: (desired: DesiredCluster) => string;
  readonly steps: (desired: DesiredCluster) => readonly string[];
}

/**
 * The frame every cluster operation shares: validates the spec, tags the run (CapstanCluster,
 * CapstanOperation), runs the body with an OperationRunner, and says how it ended. What it built
 * or removed is in the management cluster's inventory, found by the next observation.
 */
export async function runOperation(
  input: OperationInput,
  declaration: OperationDeclaration,
  body: (scope: OperationScope) => Promise<void>,
): Promise<OperationOutcome> {
  const parsed = DesiredCluster.safeParse(input.desired);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw ApplicationFailure.create({ type: ErrorType.InvalidDesiredCluster, message, nonRetryable: true });
  }
  const desired = parsed.data;
  upsertSearchAttributes([
    { key: CapstanCluster, value: clusterKey({ namespace: desired.namespace, name: desired.name }) },
    { key: CapstanOperation, value: declaration.kind },
  ]);
  const run = new OperationRunner(declaration.kind, declaration.summary(desired), declaration.steps(desired), {
    reportTo: input.reportTo,
    cluster: { namespace: desired.namespace, name: desired.name },
  });
  const state = new ClusterState(input.observed);
  try {
    await body({ desired, state, run, reportTo: input.reportTo });
  } catch (error) {
    if (error instanceof OperationAborted) return { outcome: 'Aborted', reason: error.reason };
    throw error;
  }
  run.succeed();
  return { outcome: 'Succeeded' };
}
