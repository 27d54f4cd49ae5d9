import { z } from 'zod';
import { ProxmoxCredentialsRef } from './proxmox-credentials.ts';

/** VMIDs Capstan may give its VMs; each machine starts probing at its own hashed slot. */
export const VmIdRange = z
  .object({ start: z.number().int().min(100), end: z.number().int().max(999_999_999) })
  .refine((range) => range.start <= range.end, { message: 'start must not be above end' });
export type VmIdRange = z.infer<typeof VmIdRange>;

/** A static IPv4 address as IPAM handed it out. */
export const StaticAddress = z.object({
  ip: z.ipv4(),
  prefix: z.number().int().min(1).max(32),
  gateway: z.ipv4().optional(),
  dns: z.array(z.ipv4()).default([]),
});
export type StaticAddress = z.infer<typeof StaticAddress>;

/** Everything the Proxmox activities need to create and shape one machine's VM. */
export const MachineVmSpec = z.object({
  /** `<namespace>/<name>` of the owning cluster. */
  cluster: z.string().min(1),
  /** The machine's name: also the VM's name, so it must be a DNS label. */
  machine: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS label (lower case, digits, -)'),
  templateVmid: z.number().int().min(100),
  allowedNodes: z.array(z.string().min(1)).min(1),
  /** Target storage of the full clone; the template's storage when absent. */
  storage: z.string().optional(),
  cores: z.number().int().min(1),
  sockets: z.number().int().min(1).default(1),
  memoryMiB: z.number().int().min(128),
  diskGiB: z.number().int().min(1),
  disk: z.string().default('scsi0'),
  bridge: z.string().default('vmbr0'),
  vlan: z.number().int().min(1).max(4094).optional(),
  address: StaticAddress,
  vmIdRange: VmIdRange.default({ start: 10_000, end: 99_999 }),
  tags: z.array(z.string().regex(/^[a-z0-9_][a-z0-9_\-+.]*$/)).default([]),
  /** The cluster's Proxmox credentials Secret; absent: the worker's own Proxmox. */
  credentials: ProxmoxCredentialsRef.optional(),
});
export type MachineVmSpec = z.infer<typeof MachineVmSpec>;
export type MachineVmSpecInput = z.input<typeof MachineVmSpec>;

/** Where a machine's VM is: what the workflow keeps between steps. */
export const VmRef = z.object({ vmid: z.number().int(), node: z.string() });
export type VmRef = z.infer<typeof VmRef>;

/** The result of deleting a machine's VM, with why nothing was deleted when nothing was. */
export const DestroyResult = z.object({
  destroyed: z.boolean(),
  reason: z.enum(['destroyed', 'already-gone', 'vmid-reused-by-another-vm']),
});
export type DestroyResult = z.infer<typeof DestroyResult>;
