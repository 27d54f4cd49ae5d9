import { executeChild, ParentClosePolicy, upsertSearchAttributes } from '@temporalio/workflow';
import { DesiredCluster, type DesiredClusterInput } from '../api/desired-cluster.ts';
import { machineWorkflowId } from '../api/ids.ts';
import type { MachineRole } from '../api/observed-cluster.ts';
import type { StaticAddress, VmRef } from '../api/proxmox.ts';
import { CapstanCluster, CapstanOperation } from '../api/search-attributes.ts';
import { calls } from './activity-profiles.ts';
import { deleteMachineWorkflow } from './delete-machine-workflow.ts';
import { deleteMachineInput } from './machine-inputs.ts';
import { abortsAsFailure, OperationRunner } from './operation/operation-runner.ts';
import { clusterKey } from '../api/cluster-ref.ts';

/** A machine of the cluster as far as it is known: a VM and an address only if it got that far. */
export interface DeletableMachine {
  readonly machine: string;
  readonly role: MachineRole;
  readonly deployment?: string | undefined;
  readonly vm?: VmRef | undefined;
  readonly address?: StaticAddress | undefined;
}

/** Who watches a delete run. */
export interface DeleteClusterOptions {
  readonly reportTo?: string;
}

/**
 * Deletes a whole cluster: every machine's VM (workers first, in parallel), every address, the
 * endpoint, and the cluster's Secrets — nothing leaked, also when a VM is already gone or was
 * migrated, or a machine never got a VM. No drains or etcd leaves: the cluster is going away, as CAPI does it.
 */
export async function deleteClusterWorkflow(
  input: DesiredClusterInput,
  machines: readonly DeletableMachine[],
  options: DeleteClusterOptions = {},
): Promise<void> {
  return abortsAsFailure(() => deleteCluster(input, machines, options));
}

async function deleteCluster(
  input: DesiredClusterInput,
  machines: readonly DeletableMachine[],
  options: DeleteClusterOptions,
): Promise<void> {
  const desired = DesiredCluster.parse(input);
  const cluster = { namespace: desired.namespace, name: desired.name };
  upsertSearchAttributes([
    { key: CapstanCluster, value: clusterKey({ namespace: desired.namespace, name: desired.name }) },
    { key: CapstanOperation, value: 'delete' },
  ]);
  const workers = machines.filter((m) => m.role === 'worker');
  const controlPlanes = machines.filter((m) => m.role === 'control-plane');
  const run = new OperationRunner(
    'delete',
    `delete ${clusterKey({ namespace: desired.namespace, name: desired.name })}`,
    ['delete workers', 'delete control planes', 'release the control-plane endpoint', 'remove the cluster Secrets'],
    { reportTo: options.reportTo },
  );
  const remove = (machine: DeletableMachine) =>
    executeChild(deleteMachineWorkflow, {
      workflowId: machineWorkflowId(desired.namespace, desired.name, machine.machine, 'delete'),
      args: [
        deleteMachineInput(
          desired,
          {
            name: machine.machine,
            role: machine.role,
            phase: 'Deleting',
            ready: false,
            kubernetesVersion: '',
            talosVersion: '',
            shapeHash: '',
            createdAt: '',
            ...(machine.deployment ? { deployment: machine.deployment } : {}),
            ...(machine.vm ? { vm: machine.vm } : {}),
            ...(machine.address ? { address: machine.address.ip, staticAddress: machine.address } : {}),
          },
          { clusterDeleting: true, ...(options.reportTo === undefined ? {} : { reportTo: options.reportTo }) },
        ),
      ],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
    });
  await run.step('delete workers', () => Promise.all(workers.map(remove)));
  await run.step('delete control planes', () => Promise.all(controlPlanes.map(remove)));
  await run.step('release the control-plane endpoint', () =>
    calls.ipamRelease({ namespace: desired.namespace, owner: `${desired.name}-control-plane-endpoint` }),
  );
  await run.step('remove the cluster Secrets', () =>
    calls.talosRemoveClusterSecrets(
      cluster,
      machines.map((m) => m.machine),
    ),
  );
  run.succeed();
}
