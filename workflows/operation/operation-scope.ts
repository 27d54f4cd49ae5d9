import { uuid4, workflowInfo } from '@temporalio/workflow';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { observeClusterInput, type ClusterObservation } from '../../api/observation.ts';
import { observedCluster } from '../../plan/observed-cluster.ts';
import { calls } from '../activity-profiles.ts';
import type { ClusterState } from './cluster-state.ts';
import type { OperationRunner } from './operation-runner.ts';
import { boundedName } from '../../api/bounded-name.ts';

/** What the parts of an operation share: the spec, its view of the cluster, the runner, and who watches. */
export interface OperationScope {
  readonly desired: DesiredCluster;
  readonly state: ClusterState;
  readonly run: OperationRunner;
  readonly reportTo?: string | undefined;
}

export function clusterRef(desired: Pick<DesiredCluster, 'namespace' | 'name'>): ClusterRef {
  return { namespace: desired.namespace, name: desired.name };
}

/**
 * Observes the cluster again and makes that the operation's view: a decision is made on what is
 * there now. An observation that keeps failing (Proxmox unreachable) blocks the operation like any step.
 */
export async function observeAgain(scope: OperationScope): Promise<ClusterObservation> {
  const observation = await scope.run.step('observe the cluster', () => calls.observeCluster(observeClusterInput(scope.desired)), {
    counted: false,
  });
  scope.state.replace(observedCluster(observation));
  return observation;
}

/**
 * A new machine's name, `<cluster>-<group>-<5 hex>` (drawn from the workflow's seeded random
 * source); a group already named after the cluster (`demo-md-0`) is not prefixed twice. It is the
 * node's hostname, so a long cluster or group name is cut with a hash to 63 characters.
 */
export function newMachineName(desired: Pick<DesiredCluster, 'name'>, group: string): string {
  const suffix = group.startsWith(`${desired.name}-`) ? group.slice(desired.name.length + 1) : group;
  return boundedName(`${desired.name}-${suffix}`, `-${uuid4().slice(0, 5)}`);
}

/** A label that names this operation, e.g. for its etcd snapshot. */
export function operationLabel(): string {
  return workflowInfo().workflowId;
}
