import type { StrayVmRef } from '../api/cluster-plan.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';

/**
 * Machines an interrupted or failed operation left, which the next operation removes before
 * anything else: workers being deleted or never joined (no Node), and control-plane machines in
 * the same state that are not etcd members (an etcd member leaves through the control-plane
 * planner, which keeps quorum). A machine that ran and failed later (its VM stopped or destroyed
 * behind Capstan's back) is not a leftover: it is reported, and a MachineHealthCheck remediates it.
 */
export function leftoverMachines(machines: readonly ObservedMachine[]): ObservedMachine[] {
  return machines.filter((m) => {
    const unfinished = m.phase === 'Deleting' || m.phase === 'Provisioning';
    if (!unfinished) return false;
    return m.role === 'worker' || m.etcdMember === false;
  });
}

/** What a repair removes, or nothing to repair. */
export interface Repair {
  readonly machines: readonly string[];
  readonly strayVms: readonly StrayVmRef[];
}

/** The repair the cluster needs now: leftover machines, and stray VMs past their grace period. */
export function planRepair(machines: readonly ObservedMachine[], strayVms: readonly StrayVmRef[]): Repair | undefined {
  const leftovers = leftoverMachines(machines).map((m) => m.name);
  if (leftovers.length === 0 && strayVms.length === 0) return undefined;
  return { machines: leftovers, strayVms };
}

/** "remove demo-md-0-ab12c, demo-md-0-cd34e and the stray VM 10011 (demo-md-0-ef56a) on pve2" */
export function describeRepair(repair: Repair): string[] {
  return [
    ...repair.machines.map((name) => `remove ${name}`),
    ...repair.strayVms.map((vm) => `destroy stray VM ${vm.vmid} (${vm.name}) on ${vm.node}`),
  ];
}
