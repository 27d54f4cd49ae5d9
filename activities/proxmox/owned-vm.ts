import { ErrorType } from '../../api/errors.ts';
import type { MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { locateVmid, type LocatedVm } from './locate-vm.ts';
import type { ProxmoxClient } from './proxmox-client.ts';

/**
 * The machine's VM, wherever it is now; fails when it is gone, still cloning, or belongs to
 * something else — changing or starting a VM is only ever done to our own.
 */
export async function ownedVm(client: ProxmoxClient, ref: VmRef, spec: Pick<MachineVmSpec, 'cluster' | 'machine'>): Promise<LocatedVm> {
  const vm = await locateVmid(client, ref.vmid, ref.node, spec);
  if (!vm) throw failure(ErrorType.ProxmoxTaskFailed, `VM ${ref.vmid} of ${spec.machine} no longer exists`);
  if (vm.ownership === 'cloning') throw failure(ErrorType.ProxmoxLocked, `VM ${ref.vmid} is still being cloned`);
  if (vm.ownership === 'foreign') {
    throw failure(
      ErrorType.ProxmoxVmNotOwned,
      `VM ${ref.vmid} on ${vm.node} is named ${vm.config.name ?? '(none)'} and is not ${spec.machine}'s; Capstan leaves it alone`,
    );
  }
  return vm;
}
