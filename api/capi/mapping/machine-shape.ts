import type { MachineShape } from '../../desired-cluster.ts';
import type { VmIdRange } from '../../proxmox.ts';
import type { ProxmoxMachineTemplate } from '../proxmox-machine-template.ts';
import { joinPath, type IssueLog, type ObjectKey } from './issues.ts';
import { reportUnsupported, type UnsupportedField } from './unsupported.ts';

/** What a ProxmoxMachineTemplate contributes: the VM shape, and placement hints shared cluster-wide. */
export interface TemplateMachine {
  /** The ProxmoxMachineTemplate's name. */
  readonly template: string;
  readonly shape: MachineShape;
  readonly sourceNode?: string;
  readonly vmIdRange?: VmIdRange;
}

const specPath = 'spec.template.spec';
const at = (...segments: string[]): string => joinPath(specPath, ...segments);

// CAPMOX fields with no counterpart in Capstan's machine shape: accepted, reported, ignored.
const unsupported: readonly UnsupportedField[] = [
  { path: at('format'), reason: "Capstan clones with the storage's default disk format" },
  { path: at('pool'), reason: 'Capstan does not add VMs to Proxmox resource pools' },
  { path: at('snapName'), reason: "Capstan clones the template's current state" },
  { path: at('target'), reason: "Capstan picks the node from the ProxmoxCluster's allowedNodes" },
  { path: at('description'), reason: 'Capstan writes its own VM description' },
  { path: at('providerID'), reason: 'Capstan sets provider IDs on the Machines it creates' },
  { path: at('virtualMachineID'), reason: 'Capstan chooses VMIDs itself (within vmIDRange)' },
  { path: at('allowedNodes'), reason: "Capstan places every machine of the cluster on the ProxmoxCluster's allowedNodes" },
  { path: at('tags'), reason: 'Capstan tags its VMs with its own ownership tags' },
  { path: at('metadataSettings'), reason: 'Talos reads no cloud-init metadata from Capstan' },
  { path: at('disks', 'additionalVolumes'), reason: 'Capstan gives machines their boot disk only' },
  { path: at('network', 'default', 'model'), reason: "Capstan keeps the template NIC's model" },
  { path: at('network', 'default', 'mtu'), reason: 'set the MTU with a Talos strategic patch instead' },
  { path: at('network', 'default', 'dnsServers'), reason: "machines use the ProxmoxCluster's dnsServers" },
  { path: at('network', 'default', 'ipv4PoolRef'), reason: "machines take addresses from the ProxmoxCluster's ipv4Config" },
  { path: at('network', 'default', 'ipv6PoolRef'), reason: 'Capstan gives machines IPv4 addresses only' },
  { path: at('network', 'additionalDevices'), reason: 'Capstan gives machines one NIC' },
  { path: at('network', 'vrfs'), reason: 'Capstan does not configure VRFs' },
];

/**
 * Maps a ProxmoxMachineTemplate onto the machine shape. CAPMOX lets size fields fall back to the
 * template VM's; Capstan sizes every VM explicitly (it never reads the template's hardware), so
 * cores, memory and the boot disk are required here.
 */
export function machineFromTemplate(template: ProxmoxMachineTemplate, object: ObjectKey, log: IssueLog): TemplateMachine | undefined {
  const spec = template.spec.template.spec;
  const error = (path: string, message: string): void => {
    log.errors.push({ object, path, message });
  };
  reportUnsupported(template, unsupported, object, log);
  if (spec.full === false)
    log.warnings.push({ object, path: at('full'), message: 'linked clones are not supported: Capstan always makes full clones' });
  if (spec.checks?.skipCloudInitStatus === false || spec.checks?.skipQemuGuestAgent === false) {
    log.warnings.push({
      object,
      path: at('checks'),
      message: 'Capstan never waits for cloud-init or the QEMU guest agent (Talos has neither); it waits for the Talos API',
    });
  }

  if (spec.templateSelector !== undefined)
    error(at('templateSelector'), 'is not supported: Capstan clones by VMID; set templateID (and sourceNode) instead');
  else if (spec.templateID === undefined) error(at('templateID'), 'is required: the VMID of the Talos template VM to clone');
  if (spec.numCores === undefined) error(at('numCores'), 'is required: Capstan sizes every VM explicitly, e.g. 2');
  if (spec.memoryMiB === undefined) error(at('memoryMiB'), 'is required: Capstan sizes every VM explicitly, e.g. 4096');
  const boot = spec.disks?.bootVolume;
  if (boot === undefined) error(at('disks', 'bootVolume'), 'is required: the boot disk size, e.g. {disk: scsi0, sizeGb: 20}');
  else if (boot.disk !== 'scsi0')
    error(at('disks', 'bootVolume', 'disk'), `must be scsi0, not ${boot.disk}: Capstan resizes the template's scsi0 disk`);
  if (spec.vmIDRange && spec.vmIDRange.start > spec.vmIDRange.end) error(at('vmIDRange'), 'start must not be above end');

  if (
    spec.templateID === undefined ||
    spec.numCores === undefined ||
    spec.memoryMiB === undefined ||
    boot === undefined ||
    boot.disk !== 'scsi0'
  )
    return undefined;
  const nic = spec.network?.default;
  const shape: MachineShape = {
    cores: spec.numCores,
    sockets: spec.numSockets ?? 1,
    memoryMiB: spec.memoryMiB,
    diskGiB: boot.sizeGb,
    templateVmid: spec.templateID,
    bridge: nic?.bridge ?? 'vmbr0',
    installDisk: '/dev/sda',
    ...(spec.storage === undefined ? {} : { storage: spec.storage }),
    ...(nic?.vlan === undefined ? {} : { vlan: nic.vlan }),
  };
  return {
    template: object.name,
    shape,
    ...(spec.sourceNode === undefined ? {} : { sourceNode: spec.sourceNode }),
    ...(spec.vmIDRange === undefined ? {} : { vmIdRange: spec.vmIDRange }),
  };
}
