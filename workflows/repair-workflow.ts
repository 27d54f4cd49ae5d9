import type { StrayVmRef } from '../api/cluster-plan.ts';
import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import { describeRepair } from '../plan/repair.ts';
import { toDelete } from '../plan/machine-spec.ts';
import { calls } from './activity-profiles.ts';
import { deleteMachineChild } from './operation/machine-children.ts';
import { clusterRef } from './operation/operation-scope.ts';
import { runOperation } from './operation/run-operation.ts';

/** A planned repair: leftover machines to remove and stray VMs to destroy. */
export interface RepairOperation extends OperationInput {
  readonly summary: string;
  readonly machines: readonly string[];
  readonly strayVms: readonly StrayVmRef[];
}

/**
 * Removes what failed, aborted, terminated or reset operations left, so the next operation plans
 * from a clean cluster: machines that never joined or were being deleted (through the one
 * delete-machine path), and VMs carrying the cluster's owner marker that no Machine claims —
 * destroyed only after their grace period, with an Event on the Cluster.
 */
export async function repairWorkflow(input: RepairOperation): Promise<OperationOutcome> {
  return runOperation(input, { kind: 'repair', summary: () => input.summary, steps: () => describeRepair(input) }, async (scope) => {
    const { desired, state, run } = scope;
    for (const name of input.machines) {
      const machine = state.machine(name);
      if (!machine) continue;
      // A worker that never joined has no Node to drain; a control plane here never joined etcd.
      const options = machine.role === 'control-plane' ? { etcdLeft: true } : {};
      await run.step(`remove ${name}`, () => deleteMachineChild(scope, toDelete(machine), options));
    }
    for (const vm of input.strayVms) {
      await run.step(`destroy stray VM ${vm.vmid} (${vm.name}) on ${vm.node}`, async () => {
        await calls.inventoryRecordEvent(clusterRef(desired), {
          kind: 'Cluster',
          name: desired.name,
          type: 'Warning',
          reason: 'StrayVmDestroyed',
          message: `VM ${vm.vmid} (${vm.name}) on ${vm.node} carries this cluster's owner marker but no Machine claims it: destroying it`,
        });
        await deleteMachineChild(scope, { name: vm.name, role: 'worker', vm: { node: vm.node, vmid: vm.vmid } }, { detached: true });
      });
    }
  });
}
