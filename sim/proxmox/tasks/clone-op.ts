// qmclone as PVE::API2::Qemu::clone_vm runs it: the new config first holds only
// `lock: clone`, then the full config (name, disks, still locked) once the disks are copied,
// and the lock goes at the end (with `target`, the config moves to that node last).
import type { SimContext } from '../core/context.ts';
import type { TaskOp, VmState } from '../core/state.ts';
import { assertSpace } from '../core/storage-space.ts';
import { vmCreated } from '../core/vm-events.ts';
import { loadVm } from '../core/vm-lookup.ts';
import { TaskFailure } from '../http/pve-error.ts';
import { driveSize, humanSize, isCdromOrCloudinit, isDriveKey, parseDrive, printDrive, splitVolid } from '../config/drives.ts';
import { parseNet, printNet } from '../config/net.ts';
import type { TaskDefinition, TaskLog } from './task-definition.ts';

type CloneOp = Extract<TaskOp, { kind: 'clone' }>;

// Keys that never travel to a clone (snapshot state, unused volumes, the template flag).
const skippedKeys =
  /^(?:template|lock|snapshots|parent|snaptime|vmstate|snapstate|runningcpu|runningmachine|running-nets-host-mtu|unused\d+)$/;

/** The qmclone steps for one clone. */
export function cloneTask(op: CloneOp, node: string): TaskDefinition {
  return {
    steps: [
      {
        wait: 'clone',
        fraction: 0.3,
        run: (ctx, _task, log) => {
          copyDisks(ctx, op, node, log);
        },
      },
      {
        wait: 'clone',
        fraction: 0.7,
        run: (ctx) => {
          finishClone(ctx, op);
        },
      },
    ],
    // PVE removes the half-made VM (config and new volumes) when the worker fails.
    cleanup: (ctx) => {
      const vm = ctx.state.vms[String(op.newid)];
      if (op.placeholder && vm?.config['lock'] === 'clone') {
        Reflect.deleteProperty(ctx.state.vms, String(op.newid));
        ctx.changed();
      }
    },
  };
}

function copyDisks(ctx: SimContext, op: CloneOp, node: string, log: TaskLog): void {
  const target = ctx.state.vms[String(op.newid)];
  if (!op.placeholder || target === undefined) {
    throw new TaskFailure(`close (rename) atomic file '/etc/pve/nodes/${node}/qemu-server/${op.newid}.conf' failed: File exists`);
  }
  try {
    const source = loadVm(ctx, node, op.vmid);
    target.config = cloneConfig(ctx, source, op, node, log);
    ctx.changed();
  } catch (error) {
    throw new TaskFailure(`clone failed: ${error instanceof Error ? error.message.replace(/\n$/, '') : String(error)}`);
  }
}

function cloneConfig(ctx: SimContext, source: VmState, op: CloneOp, node: string, log: TaskLog): Record<string, string> {
  const config: Record<string, string> = { lock: 'clone' };
  let diskIndex = 0;
  for (const key of Object.keys(source.config).sort()) {
    const value = source.config[key] ?? '';
    if (skippedKeys.test(key)) continue;
    if (/^net\d+$/.test(key)) {
      const device = parseNet(value);
      config[key] = 'error' in device ? value : printNet({ model: device.model, options: device.options }, ctx.random);
    } else if (isDriveKey(key)) {
      const drive = parseDrive(value);
      const volume = splitVolid(drive.volid);
      if (volume !== undefined && /cloudinit$/.test(volume.volname)) {
        config[key] = printDrive({ volid: `${volume.storage}:vm-${op.newid}-cloudinit`, options: drive.options });
        continue;
      }
      if (volume === undefined || isCdromOrCloudinit(drive)) {
        config[key] = value;
        continue;
      }
      const size = driveSize(drive);
      const volname = `vm-${op.newid}-disk-${diskIndex++}`;
      if (op.full) {
        const storage = op.storage ?? volume.storage;
        log(`create full clone of drive ${key} (${drive.volid})`);
        assertSpace(ctx, storage, node, size, { kind: 'create', volname });
        log(`transferred 0.0 B of ${humanSize(size)} (0.00%)`);
        log(`transferred ${humanSize(size)} of ${humanSize(size)} (100.00%)`);
        config[key] = printDrive({ volid: `${storage}:${volname}`, options: drive.options });
      } else {
        log(`create linked clone of drive ${key} (${drive.volid})`);
        // A linked clone takes no space yet, but a storage marked full still refuses the new image.
        assertSpace(ctx, volume.storage, node, 0, { kind: 'create', volname });
        config[key] = printDrive({ volid: `${volume.storage}:${volume.volname.split('/')[0] ?? ''}/${volname}`, options: drive.options });
      }
    } else {
      config[key] = value;
    }
  }
  const smbios = (source.config['smbios1'] ?? '').split(',').filter((p) => p !== '' && !p.startsWith('uuid='));
  config['smbios1'] = [`uuid=${ctx.random.uuid()}`, ...smbios].join(',');
  if (source.config['vmgenid'] !== undefined) config['vmgenid'] = ctx.random.uuid();
  config['name'] = op.name ?? `Copy-of-VM-${source.config['name'] ?? String(op.vmid)}`;
  if (op.description !== undefined) config['description'] = op.description;
  return config;
}

function finishClone(ctx: SimContext, op: CloneOp): void {
  const vm = ctx.state.vms[String(op.newid)];
  if (vm === undefined) throw new TaskFailure(`clone failed: VM ${op.newid} vanished during the clone`);
  delete vm.config['lock'];
  if (op.target !== undefined) vm.node = op.target;
  ctx.changed();
  vmCreated(ctx, vm, { source: op.vmid, full: op.full });
}
