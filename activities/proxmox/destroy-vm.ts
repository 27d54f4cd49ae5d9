import type { DestroyResult, MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { classified, classifyTaskFailure } from './classify-error.ts';
import { findMachineVm, locateVmid, type LocatedVm } from './locate-vm.ts';
import { ProxmoxApiError } from './proxmox-api-error.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { PveVmStatus, Upid } from './pve-schemas.ts';
import { waitForTask } from './wait-for-task.ts';

type Identity = Pick<MachineVmSpec, 'cluster' | 'machine'>;

/**
 * Stops and destroys the machine's VM wherever it is now. A VM that is already gone is
 * success; a VMID now held by another VM is left alone (CAPMOX #856); without a known VMID
 * (a create that died before reporting one) the VM is searched for by name and marker.
 */
export async function destroyVm(client: ProxmoxClient, machine: Identity, ref: VmRef | undefined): Promise<DestroyResult> {
  const vm = ref ? await locateVmid(client, ref.vmid, ref.node, machine) : await findMachineVm(client, machine);
  if (!vm) return { destroyed: false, reason: 'already-gone' };
  if (vm.ownership === 'cloning') throw failure(ErrorType.ProxmoxLocked, `VM ${vm.vmid} is still being cloned; deleting it after`);
  if (vm.ownership === 'foreign') return { destroyed: false, reason: 'vmid-reused-by-another-vm' };
  if (!(await stopIfRunning(client, vm))) return { destroyed: false, reason: 'already-gone' };
  const path = `/nodes/${vm.node}/qemu/${vm.vmid}`;
  const upid = await goneOr(() => client.delete(path, Upid, { purge: true, 'destroy-unreferenced-disks': true }));
  if (upid === undefined) return { destroyed: false, reason: 'already-gone' };
  const outcome = await waitForTask(client, upid);
  if (!outcome.ok && !outcome.exitStatus.includes('does not exist')) {
    throw classifyTaskFailure(`destroying VM ${vm.vmid}`, outcome.exitStatus);
  }
  return { destroyed: true, reason: 'destroyed' };
}

/** Hard-stops a running VM (PVE refuses to destroy one); false when the VM vanished meanwhile. */
async function stopIfRunning(client: ProxmoxClient, vm: LocatedVm): Promise<boolean> {
  const path = `/nodes/${vm.node}/qemu/${vm.vmid}/status`;
  const status = await goneOr(() => client.get(`${path}/current`, PveVmStatus));
  if (status === undefined) return false;
  if (status.status !== 'running') return true;
  const upid = await goneOr(() => client.post(`${path}/stop`, Upid));
  if (upid === undefined) return false;
  const outcome = await waitForTask(client, upid);
  if (!outcome.ok) throw classifyTaskFailure(`stopping VM ${vm.vmid}`, outcome.exitStatus);
  return true;
}

/** The call's result, or undefined when PVE says the VM does not exist (any more). */
async function goneOr<T>(call: () => Promise<T>): Promise<T | undefined> {
  return classified(async () => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ProxmoxApiError && error.isNotFound) return undefined;
      throw error;
    }
  });
}
