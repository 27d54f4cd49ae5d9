// The standard options and formats of PVE::JSONSchema that the simulated endpoints use.
import { int, optional, required, str } from './params.ts';

const dnsLabel = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';

/** `pve-node`: a node name. */
export function nodeNameError(raw: string): string | undefined {
  return /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(raw) ? undefined : 'value does not look like a valid node name';
}

/** `dns-name`: used for VM names. */
export function dnsNameError(raw: string): string | undefined {
  return new RegExp(`^(?:${dnsLabel}\\.)*${dnsLabel}$`).test(raw) ? undefined : 'value does not look like a valid DNS name';
}

/** `pve-storage-id`. */
export function storageIdError(raw: string): string | undefined {
  return /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(raw) ? undefined : `storage ID '${raw}' contains illegal characters`;
}

/** `pve-configid-list`: comma/space/semicolon separated config keys. */
export function configIdListError(raw: string): string | undefined {
  for (const id of splitList(raw)) {
    if (!/^[a-z][a-z_-]*\d*$/i.test(id)) return `invalid configuration ID '${id}'`;
  }
  return undefined;
}

/** `pve-tag-list`. */
export function tagListError(raw: string): string | undefined {
  for (const tag of splitList(raw)) {
    if (!/^[a-z0-9_][a-z0-9_\-+.]*$/i.test(tag)) return `invalid tag '${tag}'`;
  }
  return undefined;
}

/** PVE::Tools::split_list: separators are `,`, `;`, spaces and NUL. */
export function splitList(raw: string): string[] {
  return raw.split(/[,;\s\0]+/).filter((item) => item !== '');
}

/** The `node` path parameter every node-scoped method takes. */
export const nodeParam = required(str({ format: nodeNameError }));

/** `pve-vmid`. */
export const vmidParam = required(int({ min: 100, max: 999_999_999 }));

/** An optional `pve-vmid`. */
export const optionalVmidParam = optional(int({ min: 100, max: 999_999_999 }));

/** `pve-storage-id`. */
export const storageParam = required(str({ format: storageIdError }));
