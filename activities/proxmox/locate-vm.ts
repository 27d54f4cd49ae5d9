import type { MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { ProxmoxApiError } from './proxmox-api-error.ts';
import { classified } from './classify-error.ts';
import { PveVmConfig, PveVmResources } from './pve-schemas.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { ownershipOf, type Ownership } from './vm-identity.ts';

/** A VM found in the cluster, with its config and how it relates to the machine. */
export interface LocatedVm extends VmRef {
  readonly ownership: Ownership;
  readonly config: ReturnType<typeof PveVmConfig.parse>;
}

type Identity = Pick<MachineVmSpec, 'cluster' | 'machine'>;

/** Reads a VM's config at a node, or undefined when the VM is not there. */
export async function readConfig(client: ProxmoxClient, ref: VmRef): Promise<LocatedVm['config'] | undefined> {
  try {
    return await client.get(`/nodes/${ref.node}/qemu/${ref.vmid}/config`, PveVmConfig);
  } catch (error) {
    if (error instanceof ProxmoxApiError && error.isNotFound) return undefined;
    throw error;
  }
}

/**
 * Finds a VMID anywhere in the cluster: at the node we last saw it on first, then wherever
 * /cluster/resources says it is now (it may have been migrated, omni #75).
 */
export async function locateVmid(
  client: ProxmoxClient,
  vmid: number,
  lastNode: string | undefined,
  machine: Identity,
): Promise<LocatedVm | undefined> {
  return classified(async () => {
    const here = lastNode === undefined ? undefined : await readConfig(client, { vmid, node: lastNode });
    if (here && lastNode !== undefined) return { vmid, node: lastNode, config: here, ownership: ownershipOf(here, machine) };
    const resources = await client.get('/cluster/resources', PveVmResources, { type: 'vm' });
    const elsewhere = resources.find((r) => r.type === 'qemu' && r.vmid === vmid && r.node !== lastNode);
    if (!elsewhere) return undefined;
    const moved = { vmid, node: elsewhere.node };
    const config = await readConfig(client, moved);
    return config ? { ...moved, config, ownership: ownershipOf(config, machine) } : undefined;
  });
}

/** Finds the machine's VM by name anywhere in the cluster, verified by its owner marker. */
export async function findMachineVm(client: ProxmoxClient, machine: Identity): Promise<LocatedVm | undefined> {
  return classified(async () => {
    const resources = await client.get('/cluster/resources', PveVmResources, { type: 'vm' });
    for (const resource of resources) {
      if (resource.type !== 'qemu' || resource.vmid === undefined || resource.name !== machine.machine) continue;
      const ref = { vmid: resource.vmid, node: resource.node };
      const config = await readConfig(client, ref);
      if (config && ownershipOf(config, machine) === 'ours') return { ...ref, config, ownership: 'ours' };
    }
    return undefined;
  });
}
