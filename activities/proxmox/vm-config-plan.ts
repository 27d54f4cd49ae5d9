import type { MachineVmSpec } from '../../api/proxmox.ts';
import { capstanTag, clusterTag, ownerMarker } from './vm-identity.ts';

/** The config keys as PVE returns them (strings and numbers). */
export type CurrentVmConfig = Readonly<Record<string, unknown>>;

/**
 * The config changes that bring a VM to its spec: only keys whose value differs, so applying
 * the plan twice changes nothing the second time (and a running VM gets no needless pending
 * changes). Keeps the MAC address Proxmox generated at clone time.
 */
export function planVmConfig(spec: MachineVmSpec, current: CurrentVmConfig): Record<string, string> {
  const desired: Record<string, string> = {
    cores: String(spec.cores),
    sockets: String(spec.sockets),
    memory: String(spec.memoryMiB),
    net0: desiredNet0(spec, asString(current['net0'])),
    ipconfig0: `ip=${spec.address.ip}/${spec.address.prefix}${spec.address.gateway ? `,gw=${spec.address.gateway}` : ''}`,
    tags: normalizeTags([capstanTag, clusterTag(spec.cluster), ...spec.tags]),
    description: desiredDescription(spec, asString(current['description'])),
    agent: '1',
    onboot: '1',
  };
  if (spec.address.dns.length > 0) desired['nameserver'] = spec.address.dns.join(' ');
  const changes: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired)) {
    const now = key === 'tags' ? normalizeTags(asString(current[key]).split(/[;, ]/)) : asString(current[key]);
    if (now !== value) changes[key] = value;
  }
  return changes;
}

/** The disk size to grow to, or undefined when the disk is already as large (PVE cannot shrink). */
export function planDiskResize(spec: MachineVmSpec, current: CurrentVmConfig): string | undefined {
  const sizeGiB = diskSizeGiB(asString(current[spec.disk]));
  return sizeGiB !== undefined && sizeGiB >= spec.diskGiB ? undefined : `${spec.diskGiB}G`;
}

/** PVE lower-cases, de-duplicates and sorts tags; compare and send them the same way. */
export function normalizeTags(tags: readonly string[]): string {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))].sort().join(';');
}

function desiredNet0(spec: MachineVmSpec, current: string): string {
  const mac = /(?:^|,)(?:virtio|e1000|vmxnet3|rtl8139)=([0-9A-Fa-f:]{17})/.exec(current)?.[1];
  return `virtio${mac ? `=${mac}` : ''},bridge=${spec.bridge}${spec.vlan !== undefined ? `,tag=${spec.vlan}` : ''}`;
}

// The marker must survive whatever else an operator writes into the description.
function desiredDescription(spec: MachineVmSpec, current: string): string {
  const marker = ownerMarker(spec);
  return current.split('\n').some((line) => line.trim() === marker) ? current : [marker, current].filter(Boolean).join('\n');
}

function diskSizeGiB(disk: string): number | undefined {
  const match = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)/.exec(disk);
  if (!match) return undefined;
  const factor = { K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024, '': 1 / 1024 ** 3 }[match[2] as 'K' | 'M' | 'G' | 'T' | ''];
  return Number(match[1]) * factor;
}

function asString(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
