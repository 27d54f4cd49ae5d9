// VM creations of one MachineDeployment's workers, from the Proxmox simulator's event log: a
// worker's VM is named after its machine, `<cluster>-<deployment>-<suffix>`.
import type { OpsStack } from './ops-stack.ts';

/** How many VMs of the deployment's workers the simulator has created so far. */
export function workerVmsCreated(stack: OpsStack, cluster: string, deployment: string): number {
  const prefix = `${cluster}-${deployment}-`;
  return stack.proxmox.events.list({ type: 'vm.created' }).filter((e) => e.name?.startsWith(prefix) === true).length;
}
