import { uuid4, workflowInfo } from '@temporalio/workflow';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { ClusterRef } from '../../api/machine-operations.ts';
import type { ClusterState } from './cluster-state.ts';
import type { OperationRunner } from './operation-runner.ts';

/** What the parts of an operation share: the spec, the cluster as it changes, the runner, and who watches. */
export interface OperationScope {
  readonly desired: DesiredCluster;
  readonly state: ClusterState;
  readonly run: OperationRunner;
  readonly reportTo?: string | undefined;
}

export function clusterRef(desired: DesiredCluster): ClusterRef {
  return { namespace: desired.namespace, cluster: desired.name };
}

/** A new machine's name, `<cluster>-<group>-<5 hex>` (drawn from the workflow's seeded random source). */
export function newMachineName(desired: DesiredCluster, group: string): string {
  return `${desired.name}-${group}-${uuid4().slice(0, 5)}`;
}

/** A label that names this operation, e.g. for its etcd snapshot. */
export function operationLabel(): string {
  return workflowInfo().workflowId;
}
