// Sizes derived from a VM config: memory, vCPUs and boot disk, as vmstatus computes them.
import { driveSize, isCdromOrCloudinit, isDriveKey, parseDrive } from '../config/drives.ts';

const mib = 2 ** 20;

/** Configured memory in MiB (`memory: [current=]<MiB>`, default 512). */
export function memoryMiB(config: Readonly<Record<string, string>>): number {
  const raw = config['memory']?.replace(/^current=/, '').split(',')[0];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) ? value : 512;
}

/** Configured memory in bytes. */
export function memoryBytes(config: Readonly<Record<string, string>>): number {
  return memoryMiB(config) * mib;
}

/** vCPUs: `vcpus`, else sockets × cores. */
export function cpuCount(config: Readonly<Record<string, string>>): number {
  const vcpus = Number(config['vcpus']);
  if (Number.isInteger(vcpus) && vcpus > 0) return vcpus;
  return (Number(config['sockets'] ?? '1') || 1) * (Number(config['cores'] ?? '1') || 1);
}

/** Size of the boot disk (first disk in the boot order, else the first disk), in bytes. */
export function bootDiskBytes(config: Readonly<Record<string, string>>): number {
  const order = /order=([^,]+)/.exec(config['boot'] ?? '')?.[1]?.split(';') ?? [];
  const candidates = [...order, ...Object.keys(config).sort()].filter(isDriveKey);
  for (const key of candidates) {
    const value = config[key];
    if (value === undefined) continue;
    const drive = parseDrive(value);
    if (!isCdromOrCloudinit(drive)) return driveSize(drive);
  }
  return 0;
}

/** Whether the guest agent is enabled in a config (`agent: 1` or `agent: enabled=1,...`). */
export function agentEnabled(config: Readonly<Record<string, string>>): boolean {
  const first = config['agent']?.split(',')[0]?.replace(/^enabled=/, '');
  return first !== undefined && /^(1|true|yes|on)$/i.test(first);
}
