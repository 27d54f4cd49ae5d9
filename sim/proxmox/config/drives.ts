// Drive values (`scsi0: ceph:vm-101-disk-0,iothread=1,size=32G`) and PVE's size notation.
import { parsePropertyString } from './property-string.ts';

/** A parsed drive value. */
export interface Drive {
  /** `storage:volname`, `none`, `cdrom`, or `storage:<GiB>` for a disk still to allocate. */
  readonly volid: string;
  /** Other options, in order. */
  readonly options: readonly [string, string][];
}

/** Config keys that hold drives. */
export function isDriveKey(key: string): boolean {
  return /^(?:ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0)$/.test(key);
}

/** Parses a drive value (the volume is the first value without a key, or `file=`). */
export function parseDrive(value: string): Drive {
  let volid = '';
  const options: [string, string][] = [];
  for (const [key, v] of parsePropertyString(value)) {
    if (key === '' || key === 'file' || key === 'volume') volid = v;
    else options.push([key, v]);
  }
  return { volid, options };
}

/** Prints a drive: volume first, options sorted by key (print_property_string order). */
export function printDrive(drive: Drive): string {
  const rest = [...drive.options].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  return [drive.volid, ...rest].join(',');
}

/** Replaces (or adds) one option. */
export function withOption(drive: Drive, key: string, value: string): Drive {
  return { volid: drive.volid, options: [...drive.options.filter(([k]) => k !== key), [key, value]] };
}

/** The storage and volume name of a managed volume. */
export function splitVolid(volid: string): { storage: string; volname: string } | undefined {
  const at = volid.indexOf(':');
  if (at <= 0) return undefined;
  return { storage: volid.slice(0, at), volname: volid.slice(at + 1) };
}

/** Whether a drive is a CD-ROM or cloud-init drive (they hold no VM disk space). */
export function isCdromOrCloudinit(drive: Drive): boolean {
  return drive.options.some(([k, v]) => k === 'media' && v === 'cdrom') || /(?:^|:)(?:vm-\d+-)?cloudinit$/.test(drive.volid);
}

/** `<storage>:<GiB>`: a request to allocate a new disk (PVE's NEW_DISK_RE). */
export function newDiskRequest(volid: string): { storage: string; sizeGiB: number } | undefined {
  const match = /^([^/:\s]+):(\d+(?:\.\d+)?)$/.exec(volid);
  return match?.[1] && match[2] ? { storage: match[1], sizeGiB: Number(match[2]) } : undefined;
}

const units: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Parses `32G`, `512M`, `1.5T`, `4096` (bytes). */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(text);
  if (!match?.[1]) return undefined;
  return Math.floor(Number(match[1]) * (match[2] === undefined ? 1 : (units[match[2]] ?? 1)));
}

/** PVE::JSONSchema::format_size: the largest unit that divides the size exactly. */
export function formatSize(bytes: number): string {
  let value = bytes;
  for (const unit of ['', 'K', 'M', 'G']) {
    if (value % 1024 !== 0) return `${value}${unit}`;
    value /= 1024;
  }
  return `${value}T`;
}

/** The `size=` of a drive, in bytes (0 when unset). */
export function driveSize(drive: Drive): number {
  const size = drive.options.find(([k]) => k === 'size')?.[1];
  return size === undefined ? 0 : (parseSize(size) ?? 0);
}

/** Human size as PVE's clone log prints it (`32.0 GiB`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'B'}`;
}
