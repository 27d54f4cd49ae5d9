import type { MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { classified, classifyTaskFailure } from './classify-error.ts';
import { ownedVm } from './owned-vm.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { PveVmStatus, Upid } from './pve-schemas.ts';
import { waitForTask } from './wait-for-task.ts';

/** Starts the VM unless it already runs; a start that races another start is success. */
export async function startVm(client: ProxmoxClient, spec: MachineVmSpec, ref: VmRef): Promise<VmRef> {
  const vm = await ownedVm(client, ref, spec);
  const path = `/nodes/${vm.node}/qemu/${vm.vmid}`;
  const status = await classified(() => client.get(`${path}/status/current`, PveVmStatus));
  if (status.status === 'running') return { vmid: vm.vmid, node: vm.node };
  const upid = await classified(() => client.post(`${path}/status/start`, Upid));
  const outcome = await waitForTask(client, upid);
  if (!outcome.ok && !outcome.exitStatus.includes('already running')) {
    throw classifyTaskFailure(`starting VM ${vm.vmid}`, outcome.exitStatus);
  }
  return { vmid: vm.vmid, node: vm.node };
}
