import { ChildWorkflowFailure, executeChild, ParentClosePolicy } from '@temporalio/workflow';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { machineWorkflowId } from '../../api/ids.ts';
import type { DeleteMachineInput, MachineToCreate } from '../../api/machine-operations.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { createMachineInput, deleteMachineInput, type MachineToDelete } from '../../plan/machine-spec.ts';
import { createMachineMetadata, deleteMachineMetadata } from '../../plan/workflow-summaries.ts';
import { calls } from '../activity-profiles.ts';
import { createMachineWorkflow } from '../create-machine-workflow.ts';
import { deleteMachineWorkflow } from '../delete-machine-workflow.ts';
import { clusterRef, type OperationScope } from './operation-scope.ts';

const reportTo = (scope: Pick<OperationScope, 'reportTo'>) => (scope.reportTo === undefined ? {} : { reportTo: scope.reportTo });

/**
 * Builds one machine as a child workflow (its own steps show and block in the UI); the child
 * records the machine's intent in the management cluster before it clones anything. `versions` is
 * the spec the machine is built from: during an upgrade, the versions of the current hop.
 */
export async function createMachineChild(
  scope: OperationScope,
  versions: DesiredCluster,
  machine: MachineToCreate,
): Promise<ObservedMachine> {
  const endpoint = scope.state.observed.controlPlaneEndpoint ?? '';
  const input = { ...createMachineInput(versions, machine, endpoint), ...reportTo(scope) };
  const record: ObservedMachine = {
    name: machine.name,
    role: machine.role,
    ...(machine.deployment === undefined ? {} : { deployment: machine.deployment }),
    kubernetesVersion: input.intent.kubernetesVersion,
    talosVersion: input.intent.talosVersion,
    shapeHash: input.intent.shapeHash,
    phase: 'Provisioning',
    ready: false,
    createdAt: new Date().toISOString(),
  };
  scope.state.put(record);
  try {
    const created = await executeChild(createMachineWorkflow, {
      workflowId: machineWorkflowId(versions.namespace, versions.name, machine.name, 'create'),
      args: [input],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      ...createMachineMetadata(input),
    });
    const built: ObservedMachine = {
      ...record,
      kubernetesVersion: created.kubeletVersion || record.kubernetesVersion,
      phase: 'Running',
      ready: true,
      vm: created.vm,
      address: created.address.ip,
      staticAddress: created.address,
      providerID: created.providerID,
      ...(machine.role === 'control-plane' ? { etcdMember: true } : {}),
    };
    scope.state.put(built);
    return built;
  } catch (error) {
    if (error instanceof ChildWorkflowFailure) scope.state.update(machine.name, { phase: 'Failed' });
    throw error;
  }
}

/** Removes one machine as a child workflow: its Machine is marked as deleting first, and released once its VM is gone. */
export async function deleteMachineChild(
  scope: OperationScope,
  machine: MachineToDelete,
  options: Pick<DeleteMachineInput, 'detached' | 'etcdLeft'> = {},
): Promise<void> {
  const { desired, state } = scope;
  state.update(machine.name, { phase: 'Deleting' });
  const input = deleteMachineInput(desired, machine, { ...options, ...reportTo(scope) });
  await executeChild(deleteMachineWorkflow, {
    workflowId: machineWorkflowId(desired.namespace, desired.name, machine.name, 'delete'),
    args: [input],
    parentClosePolicy: ParentClosePolicy.TERMINATE,
    ...deleteMachineMetadata(input),
  });
  state.remove(machine.name);
}

/** Points the cluster's talosconfig at the control planes that are up now. */
export async function updateTalosconfigEndpoints(scope: OperationScope): Promise<void> {
  const endpoints = scope.state
    .controlPlanes()
    .filter((m) => m.phase === 'Running')
    .map((m) => m.address ?? '');
  if (endpoints.length > 0) await calls.talosWriteTalosconfig(clusterRef(scope.desired), endpoints);
}
