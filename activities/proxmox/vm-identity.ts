import { createHash } from 'node:crypto';
import type { MachineVmSpec, VmIdRange } from '../../api/proxmox.ts';

/** The tag every Capstan VM carries, so operators can filter them in the PVE UI. */
export const capstanTag = 'capstan';

/**
 * The tag every VM of one cluster carries (`capstan-c-<first 10 hex of sha256("<namespace>/<name>")>`):
 * PVE tags allow only lower case, digits and `_-+.`, so the cluster's name goes in hashed. One
 * `/cluster/resources?type=vm` call then finds every VM of a cluster on any node; ownership is
 * still decided by name and description marker (a tag is easy to copy or edit by hand).
 */
export function clusterTag(cluster: string): string {
  return `capstan-c-${createHash('sha256').update(cluster).digest('hex').slice(0, 10)}`;
}

/**
 * The line in a VM's description that says which machine it belongs to. Names are not unique
 * in Proxmox, so a VM is ours only when both its name and this marker match (CAPMOX #856).
 */
export function ownerMarker(spec: Pick<MachineVmSpec, 'cluster' | 'machine'>): string {
  return `capstan-machine: ${spec.cluster}/${spec.machine}`;
}

/** What we know about a VM's identity from its config. */
export interface VmIdentity {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly lock?: string | undefined;
}

/** How a VM relates to a machine: ours, someone else's, or still being cloned (unknown yet). */
export type Ownership = 'ours' | 'foreign' | 'cloning';

/** Whether a VM's config (or its `/cluster/resources` entry) carries a tag; PVE separates tags by `;`, `,` or spaces. */
export function hasTag(tags: string | undefined, tag: string): boolean {
  return (tags ?? '').split(/[;, ]/).some((t) => t.trim().toLowerCase() === tag);
}

/** `proxmox://<uuid>` from a VM's `smbios1` (`uuid=…,manufacturer=…`), as CAPMOX derives the providerID; undefined without a uuid. */
export function providerIdOf(smbios1: string | undefined): string | undefined {
  const uuid = /(?:^|,)uuid=([0-9a-fA-F-]{32,36})(?:,|$)/.exec(smbios1 ?? '')?.[1];
  return uuid === undefined ? undefined : `proxmox://${uuid.toLowerCase()}`;
}

/** Decides ownership from the name and the description marker. */
export function ownershipOf(config: VmIdentity, spec: Pick<MachineVmSpec, 'cluster' | 'machine'>): Ownership {
  // A clone's config holds only `lock: clone` until its disks are copied.
  if (config.name === undefined && config.lock === 'clone') return 'cloning';
  const marked = (config.description ?? '').split('\n').some((line) => line.trim() === ownerMarker(spec));
  return config.name === spec.machine && marked ? 'ours' : 'foreign';
}

/**
 * VMIDs to try for a machine, starting at a slot derived from its identity. Two concurrent
 * creations of one machine try the same VMID first, and Proxmox refuses the second clone, so a
 * machine never gets two VMs; different machines rarely collide, and probe on when they do.
 */
export function vmidCandidates(spec: Pick<MachineVmSpec, 'cluster' | 'machine'>, range: VmIdRange, count = 32): number[] {
  const size = range.end - range.start + 1;
  const digest = createHash('sha256').update(`${spec.cluster}/${spec.machine}`).digest();
  const first = digest.readUInt32BE(0) % size;
  return Array.from({ length: Math.min(count, size) }, (_, i) => range.start + ((first + i) % size));
}
