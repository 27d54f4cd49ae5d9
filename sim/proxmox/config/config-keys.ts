// The VM config keys the simulator knows (a broad subset of PVE::QemuServer's schema),
// how each is checked on input, typed on output, and whether it hot-plugs into a running VM.
import { optional, str, int, bool } from '../http/params.ts';
import type { ParamShape } from '../http/params.ts';
import { configIdListError, dnsNameError, storageIdError, tagListError } from '../http/pve-formats.ts';
import { ipconfigError } from './ipconfig.ts';
import { parseNet } from './net.ts';

/** How a config value is typed in GET answers. */
type ValueKind = 'int' | 'bool' | 'number' | 'string';

/** One config key. */
export interface ConfigKeySpec {
  readonly kind: ValueKind;
  /** Applied at once on a running VM (fast-plug, cloud-init, network and disk hotplug); else pending. */
  readonly hotplug: boolean;
  /** Validates and normalizes the value as stored. */
  readonly check: (raw: string) => { ok: true; value: string } | { ok: false; message: string };
}

type Check = ConfigKeySpec['check'];

const asString =
  (check: (raw: string) => { ok: true; value: number | boolean | string } | { ok: false; message: string }): Check =>
  (raw) => {
    const result = check(raw);
    if (!result.ok) return result;
    const value = typeof result.value === 'boolean' ? (result.value ? '1' : '0') : String(result.value);
    return { ok: true, value };
  };

const anyString: Check = (raw) => ({ ok: true, value: raw });
const formatted = (error: (raw: string) => string | undefined): Check => str({ format: error });
const integer = (min?: number, max?: number): Check =>
  asString(int({ ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) }));
const boolean: Check = asString(bool());
const number: Check = (raw) =>
  /^-?\d+(?:\.\d+)?$/.test(raw) ? { ok: true, value: raw } : { ok: false, message: `type check ('number') failed - got '${raw}'` };
const oneOf = (values: readonly string[]): Check => str({ enum: values });

const netCheck: Check = (raw) => {
  const parsed = parseNet(raw);
  return 'error' in parsed ? { ok: false, message: `invalid format - ${parsed.error}` } : { ok: true, value: raw };
};
const memoryCheck: Check = (raw) =>
  /^(?:current=)?\d+$/.test(raw) && Number(raw.replace('current=', '')) >= 16
    ? { ok: true, value: raw }
    : { ok: false, message: `invalid format - format error\ncurrent: type check ('integer') failed - got '${raw}'` };
const agentCheck: Check = (raw) => {
  const first = raw.split(',')[0]?.replace(/^enabled=/, '') ?? '';
  return bool()(first).ok
    ? { ok: true, value: raw }
    : { ok: false, message: `invalid format - format error\nenabled: type check ('boolean') failed - got '${first}'` };
};
const driveCheck: Check = (raw) =>
  raw.split(',')[0]?.includes('=') === true && !/^(?:file|volume)=/.test(raw)
    ? { ok: false, message: 'invalid format - format error\nfile: property is missing and it is not optional' }
    : { ok: true, value: raw };

const spec = (kind: ValueKind, check: Check, hotplug = false): ConfigKeySpec => ({ kind, check, hotplug });

const plainKeys: Record<string, ConfigKeySpec> = {
  acpi: spec('bool', boolean),
  affinity: spec('string', anyString),
  agent: spec('string', agentCheck),
  arch: spec('string', oneOf(['x86_64', 'aarch64'])),
  args: spec('string', anyString),
  autostart: spec('bool', boolean),
  balloon: spec('int', integer(0)),
  bios: spec('string', oneOf(['seabios', 'ovmf'])),
  boot: spec('string', anyString),
  bootdisk: spec('string', anyString),
  cicustom: spec('string', anyString, true),
  cipassword: spec('string', anyString, true),
  citype: spec('string', oneOf(['configdrive2', 'nocloud', 'opennebula']), true),
  ciupgrade: spec('bool', boolean, true),
  ciuser: spec('string', anyString, true),
  cores: spec('int', integer(1)),
  cpu: spec('string', anyString),
  cpulimit: spec('number', number),
  cpuunits: spec('int', integer(1, 262144)),
  description: spec('string', str({ maxLength: 8192 }), true),
  efidisk0: spec('string', driveCheck),
  freeze: spec('bool', boolean),
  hookscript: spec('string', anyString, true),
  hotplug: spec('string', anyString, true),
  hugepages: spec('string', oneOf(['any', '2', '1024'])),
  keephugepages: spec('bool', boolean),
  keyboard: spec('string', anyString),
  kvm: spec('bool', boolean),
  localtime: spec('bool', boolean),
  lock: spec(
    'string',
    oneOf(['backup', 'clone', 'create', 'migrate', 'rollback', 'snapshot', 'snapshot-delete', 'suspending', 'suspended']),
    true,
  ),
  machine: spec('string', anyString),
  memory: spec('string', memoryCheck),
  migrate_downtime: spec('number', number),
  migrate_speed: spec('int', integer(0)),
  name: spec('string', formatted(dnsNameError), true),
  nameserver: spec('string', anyString, true),
  numa: spec('bool', boolean),
  onboot: spec('bool', boolean, true),
  ostype: spec(
    'string',
    oneOf(['other', 'wxp', 'w2k', 'w2k3', 'w2k8', 'wvista', 'win7', 'win8', 'win10', 'win11', 'l24', 'l26', 'solaris']),
  ),
  protection: spec('bool', boolean, true),
  reboot: spec('bool', boolean),
  rng0: spec('string', anyString),
  scsihw: spec('string', oneOf(['lsi', 'lsi53c810', 'virtio-scsi-pci', 'virtio-scsi-single', 'megasas', 'pvscsi'])),
  searchdomain: spec('string', anyString, true),
  shares: spec('int', integer(0, 50000)),
  smbios1: spec('string', anyString),
  smp: spec('int', integer(1)),
  sockets: spec('int', integer(1)),
  sshkeys: spec('string', anyString, true),
  startdate: spec('string', anyString),
  startup: spec('string', anyString, true),
  tablet: spec('bool', boolean),
  tags: spec('string', formatted(tagListError), true),
  tdf: spec('bool', boolean),
  template: spec('bool', boolean),
  tpmstate0: spec('string', driveCheck),
  vcpus: spec('int', integer(1)),
  vga: spec('string', anyString),
  vmgenid: spec('string', anyString),
  vmstatestorage: spec('string', formatted(storageIdError)),
  watchdog: spec('string', anyString),
};

const families: [RegExp, ConfigKeySpec][] = [
  [/^net(?:[0-9]|[12][0-9]|3[01])$/, spec('string', netCheck, true)],
  [/^ipconfig(?:[0-9]|[12][0-9]|3[01])$/, spec('string', formatted(ipconfigError), true)],
  [/^(?:scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5]))$/, spec('string', driveCheck, true)],
  [/^(?:ide[0-3]|sata[0-5])$/, spec('string', driveCheck)],
  [/^unused(?:\d|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])$/, spec('string', anyString, true)],
  [
    /^(?:serial[0-3]|parallel[0-2]|usb(?:[0-9]|1[0-4])|hostpci(?:[0-9]|1[0-5])|numa[0-7]|virtiofs[0-9]|audio0|ivshmem)$/,
    spec('string', anyString),
  ],
];

/** The spec of a config key, if PVE knows it. */
export function configKeySpec(key: string): ConfigKeySpec | undefined {
  return plainKeys[key] ?? families.find(([pattern]) => pattern.test(key))?.[1];
}

/** A config value typed as the API returns it (counts and flags as numbers). */
export function typedValue(key: string, value: string): string | number {
  const kind = configKeySpec(key)?.kind ?? 'string';
  return kind !== 'string' && /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : value;
}

/** Every concrete config key (families expanded), for the POST/PUT parameter schema. */
function allConfigKeys(): string[] {
  const numbered = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  return [
    ...Object.keys(plainKeys),
    ...numbered('net', 32),
    ...numbered('ipconfig', 32),
    ...numbered('scsi', 31),
    ...numbered('virtio', 16),
    ...numbered('ide', 4),
    ...numbered('sata', 6),
    ...numbered('unused', 256),
    ...numbered('serial', 4),
    ...numbered('parallel', 3),
    ...numbered('usb', 15),
    ...numbered('hostpci', 16),
    ...numbered('numa', 8),
    ...numbered('virtiofs', 10),
    'audio0',
    'ivshmem',
  ];
}

/** The POST/PUT config parameter schema (config keys plus the update controls). */
export function configParamShape(): ParamShape {
  const shape: ParamShape = {};
  for (const key of allConfigKeys()) {
    const keySpec = configKeySpec(key);
    if (keySpec) shape[key] = optional(keySpec.check);
  }
  shape['delete'] = optional(str({ format: configIdListError }));
  shape['revert'] = optional(str({ format: configIdListError }));
  shape['force'] = optional(bool());
  shape['digest'] = optional(str({ maxLength: 40 }));
  shape['skiplock'] = optional(bool());
  return shape;
}
