import type { MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { classified } from './classify-error.ts';
import { ownedVm } from './owned-vm.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { Null, UpidOrNull, Upid } from './pve-schemas.ts';
import { planDiskResize, planVmConfig } from './vm-config-plan.ts';
import { expectTaskOk } from './wait-for-task.ts';

/**
 * Brings the VM's cores, memory, network, static address, tags and disk size to the spec,
 * sending only what differs; returns where the VM is (it may have moved since).
 */
export async function configureVm(client: ProxmoxClient, spec: MachineVmSpec, ref: VmRef): Promise<VmRef> {
  const vm = await ownedVm(client, ref, spec);
  const path = `/nodes/${vm.node}/qemu/${vm.vmid}`;
  const changes = planVmConfig(spec, vm.config);
  if (Object.keys(changes).length > 0) {
    // The digest makes PVE refuse the write if someone changed the config since we read it.
    const upid = await classified(() => client.post(`${path}/config`, UpidOrNull, { ...changes, digest: vm.config.digest }));
    if (upid !== null) await expectTaskOk(client, upid, `configuring VM ${vm.vmid}`);
  }
  const size = planDiskResize(spec, vm.config);
  if (size !== undefined) {
    const upid = await classified(() => client.put(`${path}/resize`, Upid.or(Null), { disk: spec.disk, size }));
    if (upid !== null) await expectTaskOk(client, upid, `resizing ${spec.disk} of VM ${vm.vmid} to ${size}`);
  }
  return { vmid: vm.vmid, node: vm.node };
}
