import { ChildWorkflowFailure, executeChild, ParentClosePolicy } from '@temporalio/workflow';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { machineWorkflowId } from '../../api/ids.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { createMachineWorkflow } from '../create-machine-workflow.ts';
import { deleteMachineWorkflow } from '../delete-machine-workflow.ts';
import { createMachineInput, deleteMachineInput, type MachineToCreate } from '../machine-inputs.ts';
import { shapeHash } from '../../plan/shape-hash.ts';
import { calls } from '../activity-profiles.ts';
import { clusterRef, type OperationScope } from './operation-scope.ts';

/** The shape a machine of this role/group is built from. */
function shapeOf(desired: DesiredCluster, machine: Pick<MachineToCreate, 'role' | 'deployment'>) {
  const group = desired.machineDeployments.find((md) => md.name === machine.deployment);
  return machine.role === 'control-plane' || !group ? desired.controlPlane.machine : group.machine;
}

/** The Kubernetes version a machine of this role/group gets. */
function kubernetesVersionOf(desired: DesiredCluster, machine: Pick<MachineToCreate, 'role' | 'deployment'>): string {
  const group = desired.machineDeployments.find((md) => md.name === machine.deployment);
  return (machine.role === 'worker' ? group?.kubernetesVersion : undefined) ?? desired.kubernetesVersion;
}

/**
 * Builds one machine as a child workflow (its own steps show and block in the UI). `versions`
 * is the spec the machine is built from: during an upgrade, the versions of the current hop.
 * The machine is recorded as Provisioning first, so an abort leaves it on record for cleanup.
 */
export async function createMachineChild(
  scope: OperationScope,
  versions: DesiredCluster,
  machine: MachineToCreate,
): Promise<ObservedMachine> {
  const { state } = scope;
  const endpoint = state.observed.controlPlaneEndpoint ?? '';
  const record: ObservedMachine = {
    name: machine.name,
    role: machine.role,
    ...(machine.deployment === undefined ? {} : { deployment: machine.deployment }),
    kubernetesVersion: kubernetesVersionOf(versions, machine),
    talosVersion: versions.talosVersion,
    shapeHash: shapeHash(shapeOf(versions, machine)),
    phase: 'Provisioning',
    ready: false,
    createdAt: new Date().toISOString(),
  };
  state.put(record);
  const input = {
    ...createMachineInput(versions, machine, endpoint),
    ...(scope.reportTo === undefined ? {} : { reportTo: scope.reportTo }),
  };
  try {
    const created = await executeChild(createMachineWorkflow, {
      workflowId: machineWorkflowId(versions.namespace, versions.name, machine.name, 'create'),
      args: [input],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
    });
    const built: ObservedMachine = {
      ...record,
      kubernetesVersion: created.kubeletVersion || record.kubernetesVersion,
      phase: 'Running',
      ready: true,
      vm: created.vm,
      address: created.address.ip,
      staticAddress: created.address,
    };
    state.put(built);
    return built;
  } catch (error) {
    if (error instanceof ChildWorkflowFailure) state.update(machine.name, { phase: 'Failed' });
    throw error;
  }
}

/** Removes one machine as a child workflow; it stays on record as Deleting until it is gone. */
export async function deleteMachineChild(
  scope: OperationScope,
  machine: ObservedMachine,
  options: { readonly etcdLeft?: boolean } = {},
): Promise<void> {
  const { desired, state } = scope;
  state.update(machine.name, { phase: 'Deleting' });
  const reportTo = scope.reportTo === undefined ? {} : { reportTo: scope.reportTo };
  await executeChild(deleteMachineWorkflow, {
    workflowId: machineWorkflowId(desired.namespace, desired.name, machine.name, 'delete'),
    args: [deleteMachineInput(desired, machine, { ...options, ...reportTo })],
    parentClosePolicy: ParentClosePolicy.TERMINATE,
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
