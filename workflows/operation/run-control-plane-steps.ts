import type { ControlPlaneStep, MachineRef } from '../../api/cluster-plan.ts';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { ErrorType } from '../../api/errors.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { describeControlPlaneStep } from '../../plan/control-plane.ts';
import { checkAddition, checkRemoval, observedMembers } from '../../plan/etcd-quorum.ts';
import { toDelete } from '../../plan/machine-spec.ts';
import { calls, waits } from '../activity-profiles.ts';
import { forMachine } from '../summarized-activities.ts';
import { createMachineChild, deleteMachineChild, updateTalosconfigEndpoints } from './machine-children.ts';
import { clusterRef, newMachineName, observeAgain, type OperationScope } from './operation-scope.ts';
import { PreconditionFailed } from './operation-failures.ts';
import { beforeChangeBackup } from './before-change-backup.ts';

/** A control-plane change's steps, as plain names for the runner's step count. */
export function controlPlaneStepNames(steps: readonly ControlPlaneStep[]): string[] {
  return steps.map(describeControlPlaneStep);
}

/**
 * Carries out planned control-plane steps one by one (each a runner step: it blocks, retries,
 * pauses): snapshot, create and wait until the new member votes, move leadership, leave or
 * remove the etcd member explicitly, then delete the machine. Every etcd membership change is
 * checked against etcd as observed right before it, not as planned: a member that went unhealthy
 * since blocks the step until it is back (or the operator decides). `versions` is what new machines run.
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
  const addressOf = (name: string): string => {
    const machine = state.machine(name);
    if (!machine?.address) throw new PreconditionFailed(ErrorType.TalosUnavailable, `control-plane machine ${name} has no address`);
    return machine.address;
  };
  // A member that stays: the one etcd calls about others go through.
  const peer = (except?: string): string => {
    const other = state.controlPlanes().find((m) => m.name !== except && m.phase === 'Running' && m.ready);
    if (!other?.address)
      throw new PreconditionFailed(ErrorType.EtcdQuorumAtRisk, `no healthy control plane besides ${except ?? 'none'} answers`);
    return other.address;
  };
  const safely = async (check: (members: ReturnType<typeof observedMembers>) => string | undefined): Promise<void> => {
    await observeAgain(scope);
    const unsafe = check(observedMembers(state.machines()));
    if (unsafe) throw new PreconditionFailed(ErrorType.EtcdQuorumAtRisk, unsafe);
  };

  for (let i = 0; i < steps.length; i += 1) {
    const step = steps[i];
    if (step === undefined) break;
    const name = describeControlPlaneStep(step);
    const additions = additionsFrom(steps, i);
    if (additions.length > 1) {
      // Several members in a row: their VMs are built side by side (etcd still admits them one
      // learner at a time), then each is waited for in order.
      await safely(checkAddition);
      const machines = additions.map(() => newMachineName(versions, 'cp'));
      created.push(...machines);
      await Promise.all(
        additions.map(([create], k) =>
          run.step(describeControlPlaneStep(create), () =>
            createMachineChild(scope, versions, { name: machines[k] ?? '', role: 'control-plane', bootstrap: false }),
          ),
        ),
      );
      for (const [, wait] of additions) {
        const member = nameOf(wait.machine);
        await run.step(describeControlPlaneStep(wait), async () => {
          await waits.talosWaitForEtcdMember({ cluster, address: peer(member), member });
          await updateTalosconfigEndpoints(scope);
        });
      }
      i += 2 * additions.length - 1;
      continue;
    }
    switch (step.kind) {
      case 'snapshot-etcd':
        await run.step(name, async () => {
          await observeAgain(scope);
          await waits.talosBackupEtcd(beforeChangeBackup(scope.desired, peer()));
        });
        break;
      case 'create-machine': {
        const machine = newMachineName(versions, 'cp');
        created.push(machine);
        await run.step(name, async () => {
          await safely(checkAddition);
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
        await run.step(name, async () => {
          await safely((members) => checkRemoval(members, step.machine));
          await forMachine(calls, step.machine).talosEtcdForfeitLeadership({ cluster, address: addressOf(step.machine) });
        });
        break;
      case 'leave-etcd':
        await run.step(name, async () => {
          await safely((members) => checkRemoval(members, step.machine));
          await forMachine(calls, step.machine).talosEtcdLeaveCluster({ cluster, address: addressOf(step.machine) });
        });
        break;
      case 'remove-etcd-member':
        await run.step(name, async () => {
          await safely((members) => checkRemoval(members, step.machine));
          const address = peer(step.machine);
          const member = (await calls.talosEtcdMembers({ cluster, address })).find((m) => m.hostname === step.machine);
          if (member) await calls.talosEtcdRemoveMember({ cluster, address, memberId: member.id });
        });
        break;
      case 'delete-machine': {
        await run.step(name, async () => {
          const machine: ObservedMachine | undefined = state.machine(step.machine);
          if (machine) await deleteMachineChild(scope, toDelete(machine), { etcdLeft: true });
          await updateTalosconfigEndpoints(scope);
        });
        break;
      }
    }
  }
}

type Addition = readonly [ControlPlaneStep & { kind: 'create-machine' }, ControlPlaneStep & { kind: 'wait-healthy' }];

/** The run of "create a member, wait until it votes" pairs that starts at `from` (none when another step comes first). */
function additionsFrom(steps: readonly ControlPlaneStep[], from: number): Addition[] {
  const run: Addition[] = [];
  for (let i = from; ; i += 2) {
    const create = steps[i];
    const wait = steps[i + 1];
    if (create?.kind !== 'create-machine' || wait?.kind !== 'wait-healthy') return run;
    run.push([create, wait]);
  }
}
