import type { StrayVmRef } from '../api/cluster-plan.ts';
import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { toDelete, type MachineToDelete } from '../plan/machine-spec.ts';
import { calls } from './activity-profiles.ts';
import { deleteMachineChild } from './operation/machine-children.ts';
import { clusterRef, observeAgain } from './operation/operation-scope.ts';
import { runOperation } from './operation/run-operation.ts';
import { endpointClaimName } from '../api/ipam.ts';

/** A planned delete; the machines come from a fresh observation, not from the plan. */
export interface DeleteClusterOperation extends OperationInput {
  readonly summary: string;
}

const steps = [
  'delete workers',
  'delete control planes',
  'destroy stray VMs',
  'release the control-plane endpoint',
  'remove the cluster objects and Secrets',
];

/**
 * Deletes a whole cluster from what is observed when it starts: every machine's VM (workers first,
 * in parallel), VMs carrying the cluster's owner marker that no Machine claims, every address, the
 * endpoint, the inventory (Machines, ProxmoxMachines, MachineSets) and the cluster's Secrets —
 * nothing leaked, also when a VM is already gone or was migrated, or a machine never got a VM. No
 * drains or etcd leaves: the cluster is going away, as CAPI does it.
 */
export async function deleteClusterWorkflow(input: DeleteClusterOperation): Promise<OperationOutcome> {
  return runOperation(input, { kind: 'delete', summary: () => input.summary, steps: () => steps }, async (scope) => {
    const { desired, state, run } = scope;
    const cluster = clusterRef(desired);
    const observation = await observeAgain(scope);
    const strays: readonly StrayVmRef[] = observation.strayVms;
    const names = [...observation.machines.map((m) => m.name), ...strays.map((vm) => vm.name)];
    await run.step('delete workers', () => Promise.all(state.machines((m) => m.role === 'worker').map((m) => remove(m))));
    await run.step('delete control planes', () => Promise.all(state.machines((m) => m.role === 'control-plane').map((m) => remove(m))));
    await run.step('destroy stray VMs', () =>
      Promise.all(
        strays.map((vm) =>
          deleteMachineChild(scope, { name: vm.name, role: 'worker', vm: { node: vm.node, vmid: vm.vmid } }, { detached: true }),
        ),
      ),
    );
    await run.step('release the control-plane endpoint', () =>
      calls.ipamRelease({ namespace: desired.namespace, owner: endpointClaimName(desired.name) }),
    );
    await run.step('remove the cluster objects and Secrets', async () => {
      await calls.inventoryReleaseAll(cluster);
      await calls.talosRemoveClusterSecrets(cluster, names);
    });

    function remove(machine: ObservedMachine): Promise<void> {
      const known: MachineToDelete = toDelete(machine);
      return deleteMachineChild(scope, known, { detached: true });
    }
  });
}
