// Every VM of one cluster from ONE `/cluster/resources?type=vm` call: matched to its Machine by
// name, confirmed by the owner marker where the name and the cluster tag alone could mislead, and
// the cluster's marked VMs that no Machine claims listed as strays. A Proxmox read that fails
// fails the observation (retryably): a VM is never reported missing because Proxmox did not answer.
import type { StrayVm, VmObservation } from '../../api/observation.ts';
import { classified } from '../proxmox/classify-error.ts';
import { readConfig } from '../proxmox/locate-vm.ts';
import type { ProxmoxClient } from '../proxmox/proxmox-client.ts';
import { PveVmResources } from '../proxmox/pve-schemas.ts';
import { clusterTag, hasTag, ownershipOf } from '../proxmox/vm-identity.ts';

/** A guest as `/cluster/resources` lists it. */
export type VmResource = ReturnType<typeof PveVmResources.parse>[number];

/** A Machine as the matching needs it: its name and the VMID its ProxmoxMachine recorded. */
export interface VmClaim {
  readonly name: string;
  readonly recordedVmid?: number;
}

/** Which VMs need their config read before they count: the rest is decided from the listing. */
export interface VmCandidates {
  /** Machine name → the VM taken without reading its config (tagged, right name, the recorded VMID or the only one). */
  readonly accepted: ReadonlyMap<string, VmResource>;
  /** Machine name → VMs of its name to confirm by the marker, in order of preference. */
  readonly toConfirm: ReadonlyMap<string, readonly VmResource[]>;
  /** Tagged VMs no Machine name matches (or without a name yet): strays if their marker says so. */
  readonly maybeStray: readonly VmResource[];
}

/**
 * Sorts the listing (pure): a VM carrying the cluster's tag whose name is a Machine's, at the VMID
 * its ProxmoxMachine recorded (or the only such VM when none was recorded), is that Machine's VM;
 * any other VM of a Machine's name must show the owner marker first (a copied or hand-made VM can
 * carry a name and a tag). Templates are never machines.
 */
export function sortVms(resources: readonly VmResource[], claims: readonly VmClaim[], tag: string): VmCandidates {
  const guests = resources.filter((r) => r.type === 'qemu' && r.vmid !== undefined && r.template !== 1);
  const accepted = new Map<string, VmResource>();
  const toConfirm = new Map<string, VmResource[]>();
  const claimed = new Set<VmResource>();
  for (const claim of claims) {
    const named = guests.filter((r) => r.name === claim.name);
    for (const r of named) claimed.add(r);
    const tagged = named.filter((r) => hasTag(r.tags, tag));
    const sure =
      claim.recordedVmid === undefined
        ? tagged.length === 1 && named.length === 1
          ? tagged[0]
          : undefined
        : tagged.find((r) => r.vmid === claim.recordedVmid);
    if (sure) accepted.set(claim.name, sure);
    else if (named.length > 0) {
      // The recorded VMID first, then tagged ones: the likeliest owner is confirmed first.
      const rank = (r: VmResource) => (r.vmid === claim.recordedVmid ? 0 : hasTag(r.tags, tag) ? 1 : 2);
      toConfirm.set(
        claim.name,
        [...named].sort((a, b) => rank(a) - rank(b)),
      );
    }
  }
  const maybeStray = guests.filter((r) => !claimed.has(r) && hasTag(r.tags, tag));
  return { accepted, toConfirm, maybeStray };
}

/** What Proxmox holds for the cluster: each Machine's VM and the strays. */
export interface ClusterVms {
  readonly byMachine: ReadonlyMap<string, VmObservation>;
  readonly strays: readonly StrayVm[];
}

/** Reads the cluster's VMs: one listing, plus a config read only where the marker must decide. */
export async function readClusterVms(client: ProxmoxClient, cluster: string, claims: readonly VmClaim[]): Promise<ClusterVms> {
  const resources = await classified(() => client.get('/cluster/resources', PveVmResources, { type: 'vm' }));
  const { accepted, toConfirm, maybeStray } = sortVms(resources, claims, clusterTag(cluster));
  const byMachine = new Map<string, VmObservation>();
  for (const [name, r] of accepted) byMachine.set(name, observed(r));
  for (const [name, candidates] of toConfirm) {
    for (const r of candidates) {
      const config = await classified(() => readConfig(client, { node: r.node, vmid: r.vmid ?? 0 }));
      if (config && ownershipOf(config, { cluster, machine: name }) === 'ours') {
        byMachine.set(name, observed(r));
        break;
      }
    }
  }
  const strays: StrayVm[] = [];
  for (const r of maybeStray) {
    const config = await classified(() => readConfig(client, { node: r.node, vmid: r.vmid ?? 0 }));
    const name = config?.name ?? r.name;
    if (config && name !== undefined && ownershipOf(config, { cluster, machine: name }) === 'ours') strays.push({ name, ...observed(r) });
  }
  return { byMachine, strays };
}

function observed(r: VmResource): VmObservation {
  return { node: r.node, vmid: r.vmid ?? 0, status: r.status ?? 'unknown' };
}
