import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { refusalFailure } from './refusal-failure.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { calls, waits } from '../activity-profiles.ts';
import { describeControlPlaneStep } from '../../plan/control-plane.ts';
import { createMachineChild, deleteMachineChild, updateTalosconfigEndpoints } from './machine-children.ts';
import { clusterRef, newMachineName, operationLabel, type OperationScope } from './operation-scope.ts';
import type { ControlPlaneStep, MachineRef } from '../../api/cluster-plan.ts';

/** A control-plane change's steps, as plain names for the runner's step count. */
export function controlPlaneStepNames(steps: readonly ControlPlaneStep[]): string[] {
  return steps.map(describeControlPlaneStep);
}

/**
 * Carries out planned control-plane steps one by one (each a runner step: it blocks, retries,
 * pauses): snapshot, create and wait until the new member votes, move leadership, leave or
 * remove the etcd member explicitly, then delete the machine. `versions` is what new machines run.
 */
export async function runControlPlaneSteps(
  scope: OperationScope,
  versions: DesiredCluster,
  steps: readonly ControlPlaneStep[],
): Promise<void> {
  const { state, run } = scope;
  const cluster = clusterRef(scope.desired);
  const created: string[] = [];
  const nameOf = (ref: MachineRef): string => ('name' in ref ? ref.name : (created[ref.created - 1] ?? ''));
  const known = (name: string): ObservedMachine => {
    const machine = state.machine(name);
    if (!machine?.address) throw refusalFailure(`control-plane machine ${name} has no known address`);
    return machine;
  };
  // A member that stays: the one etcd calls about others go through.
  const peer = (except?: string): string => {
    const other = state.controlPlanes().find((m) => m.name !== except && m.phase === 'Running' && m.ready);
    return other?.address ?? known(except ?? '').address ?? '';
  };

  for (const step of steps) {
    const name = describeControlPlaneStep(step);
    switch (step.kind) {
      case 'snapshot-etcd':
        await run.step(name, () => waits.talosBackupEtcd({ cluster, address: peer(), label: operationLabel() }));
        break;
      case 'create-machine': {
        const machine = newMachineName(versions, 'cp');
        created.push(machine);
        await run.step(name, async () => {
          await createMachineChild(scope, versions, { name: machine, role: 'control-plane', bootstrap: false });
          await updateTalosconfigEndpoints(scope);
        });
        break;
      }
      case 'wait-healthy': {
        const member = nameOf(step.machine);
        await run.step(name, () => waits.talosWaitForEtcdMember({ cluster, address: peer(member), member }));
        break;
      }
      case 'forfeit-leadership':
        await run.step(name, () => calls.talosEtcdForfeitLeadership({ cluster, address: known(step.machine).address ?? '' }));
        break;
      case 'leave-etcd':
        await run.step(name, () => calls.talosEtcdLeaveCluster({ cluster, address: known(step.machine).address ?? '' }));
        break;
      case 'remove-etcd-member':
        await run.step(name, async () => {
          const address = peer(step.machine);
          const member = (await calls.talosEtcdMembers({ cluster, address })).find((m) => m.hostname === step.machine);
          if (member) await calls.talosEtcdRemoveMember({ cluster, address, memberId: member.id });
        });
        break;
      case 'delete-machine': {
        const machine = state.machine(step.machine);
        await run.step(name, async () => {
          if (machine) await deleteMachineChild(scope, machine, { etcdLeft: true });
          await updateTalosconfigEndpoints(scope);
        });
        break;
      }
    }
  }
}
