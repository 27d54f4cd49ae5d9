import { executeChild, ParentClosePolicy, upsertSearchAttributes } from '@temporalio/workflow';
import { DesiredCluster, type DesiredClusterInput } from '../api/desired-cluster.ts';
import { clusterKey, machineWorkflowId } from '../api/ids.ts';
import { CapstanCluster, CapstanOperation } from '../api/search-attributes.ts';
import { calls } from './activity-profiles.ts';
import { deleteMachineWorkflow } from './delete-machine-workflow.ts';
import { createMachineInput } from './machine-inputs.ts';
import { OperationRunner } from './operation/operation-runner.ts';
import type { ProvisionResult } from './provision-workflow.ts';

/**
 * Deletes a whole cluster: every machine's VM (workers first, in parallel), every address, the
 * endpoint, and the cluster's Secrets — nothing leaked, also when a VM is already gone or was
 * migrated. No drains or etcd leaves: the cluster is going away, as CAPI does it.
 */
export async function deleteClusterWorkflow(input: DesiredClusterInput, machines: ProvisionResult['machines']): Promise<void> {
  const desired = DesiredCluster.parse(input);
  const cluster = { namespace: desired.namespace, cluster: desired.name };
  upsertSearchAttributes([
    { key: CapstanCluster, value: clusterKey(desired.namespace, desired.name) },
    { key: CapstanOperation, value: 'delete' },
  ]);
  const workers = machines.filter((m) => m.role === 'worker');
  const controlPlanes = machines.filter((m) => m.role === 'control-plane');
  const run = new OperationRunner('delete', `delete ${clusterKey(desired.namespace, desired.name)}`, [
    'delete workers', 'delete control planes', 'release the control-plane endpoint', 'remove the cluster Secrets',
  ]);
  const remove = (machine: ProvisionResult['machines'][number]) => {
    const spec = createMachineInput(desired, { name: machine.machine, role: machine.role, bootstrap: false, ...(machine.deployment ? { deployment: machine.deployment } : {}) }, '');
    return executeChild(deleteMachineWorkflow, {
      workflowId: machineWorkflowId(desired.namespace, desired.name, machine.machine, 'delete'),
      args: [{
        cluster, machine: machine.machine, role: machine.role, vm: machine.vm, address: machine.address.ip, clusterDeleting: true,
        vmSpec: { ...spec.vm, cluster: clusterKey(desired.namespace, desired.name), machine: machine.machine, address: machine.address },
      }],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
    });
  };
  await run.step('delete workers', () => Promise.all(workers.map(remove)));
  await run.step('delete control planes', () => Promise.all(controlPlanes.map(remove)));
  await run.step('release the control-plane endpoint', () => calls.ipamRelease({ namespace: desired.namespace, owner: `${desired.name}-control-plane-endpoint` }));
  await run.step('remove the cluster Secrets', () => calls.talosRemoveClusterSecrets(cluster, machines.map((m) => m.machine)));
  run.succeed();
}
