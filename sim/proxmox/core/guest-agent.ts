// Whether a VM's simulated guest agent answers: the VM runs, the guest has booted, and no
// fault silences it.
import type { SimContext } from './context.ts';
import { duration } from './context.ts';
import type { VmState } from './state.ts';

/** True when the guest agent of a running VM would answer now. */
export function agentAnswers(ctx: SimContext, vm: VmState): boolean {
  if (vm.status !== 'running' || vm.startedAt === undefined) return false;
  return vm.startedAt + duration(ctx, 'bootUntilAgent') <= Date.now() && !ctx.faults.agentSilent(vm.vmid);
}
