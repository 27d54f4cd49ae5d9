// `netN` values: <model>[=<MAC>],bridge=<bridge>[,...]. PVE generates a MAC when none is
// given (prefix BC:24:11 on current releases) and prints the model=MAC pair first.
import type { Random } from '../../common/random.ts';
import { parsePropertyString } from './property-string.ts';

const models = [
  'e1000',
  'e1000-82540em',
  'e1000-82544gc',
  'e1000-82545em',
  'e1000e',
  'i82551',
  'i82557b',
  'i82559er',
  'ne2k_isa',
  'ne2k_pci',
  'pcnet',
  'rtl8139',
  'virtio',
  'vmxnet3',
];

const macPattern = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/** A parsed network device. */
export interface NetDevice {
  readonly model: string;
  readonly mac?: string;
  readonly options: readonly [string, string][];
}

/** Parses a `netN` value; returns an error text when PVE would refuse it. */
export function parseNet(value: string): NetDevice | { error: string } {
  let model: string | undefined;
  let mac: string | undefined;
  const options: [string, string][] = [];
  for (const [key, v] of parsePropertyString(value)) {
    if (key === '' && models.includes(v)) model = v;
    else if (models.includes(key)) [model, mac] = [key, v];
    else if (key === 'model') model = v;
    else if (key === 'macaddr') mac = v;
    else if (key === '')
      return { error: `format error\nmodel: value '${v}' does not have a value in the enumeration '${models.join(', ')}'` };
    else options.push([key, v]);
  }
  if (model === undefined) return { error: 'format error\nmodel: property is missing and it is not optional' };
  if (!models.includes(model))
    return { error: `format error\nmodel: value '${model}' does not have a value in the enumeration '${models.join(', ')}'` };
  if (mac !== undefined && !macPattern.test(mac)) return { error: `format error\nmacaddr: value does not look like a valid MAC address` };
  return { model, ...(mac === undefined ? {} : { mac }), options };
}

/** A fresh MAC in the Proxmox OUI (BC:24:11), as PVE::Tools::random_ether_addr makes them. */
export function randomMac(random: Random): string {
  const tail = random.hex(3).toUpperCase().match(/../g) ?? [];
  return ['BC', '24', '11', ...tail].join(':');
}

/** Prints a device the way PVE stores it: model=MAC first, other options sorted. */
export function printNet(device: NetDevice, random: Random): string {
  const mac = (device.mac ?? randomMac(random)).toUpperCase();
  const rest = [...device.options].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  return [`${device.model}=${mac}`, ...rest].join(',');
}

/** The MAC of a `netN` value, if it has one. */
export function macOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const device = parseNet(value);
  return 'error' in device ? undefined : device.mac;
}
