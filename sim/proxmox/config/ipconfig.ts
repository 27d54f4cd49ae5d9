// `ipconfigN` cloud-init settings: ip=<cidr>|dhcp[,gw=<ip>][,ip6=...][,gw6=...].
import { parsePropertyString, propertyValue } from './property-string.ts';

/** The IPv4 part of an ipconfig value. */
export interface Ipv4Config {
  /** The static address without prefix, when one is set. */
  readonly address?: string;
  readonly prefix?: number;
  readonly gateway?: string;
}

/** Reads the IPv4 address of an `ipconfigN` value (`dhcp` and malformed values give none). */
export function parseIpconfig(value: string | undefined): Ipv4Config {
  if (value === undefined) return {};
  const list = parsePropertyString(value);
  const ip = propertyValue(list, 'ip');
  const gateway = propertyValue(list, 'gw');
  const match = ip === undefined ? null : /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(ip);
  if (!match?.[1] || !match[2]) return gateway === undefined ? {} : { gateway };
  return { address: match[1], prefix: Number(match[2]), ...(gateway === undefined ? {} : { gateway }) };
}

/** Whether an IPv4 address is inside 127.0.0.0/8, the only range the simulators can serve. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.');
}

/** A `pve-qm-ipconfig` format check (loose: PVE accepts any CIDR, `dhcp` or `auto` for ip6). */
export function ipconfigError(value: string): string | undefined {
  for (const [key, v] of parsePropertyString(value)) {
    if (key === 'ip' && v !== 'dhcp' && !/^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/.test(v)) return `invalid IPv4 CIDR '${v}'`;
    if (key === 'gw' && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(v)) return `invalid IPv4 address '${v}'`;
    if (!['ip', 'gw', 'ip6', 'gw6'].includes(key)) return `invalid key '${key === '' ? v : key}'`;
  }
  return undefined;
}
