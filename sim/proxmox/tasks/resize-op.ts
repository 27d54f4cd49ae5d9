// The `resize` task (async since PVE 8.0): every check happens inside the worker.
import type { SimContext } from '../core/context.ts';
import { configDigest } from '../config/digest.ts';
import { driveSize, formatSize, isCdromOrCloudinit, parseDrive, printDrive, splitVolid, withOption } from '../config/drives.ts';
import type { TaskOp } from '../core/state.ts';
import { assertSpace, storageType } from '../core/storage-space.ts';
import { vmConfigured } from '../core/vm-events.ts';
import { assertUnlocked, loadVm } from '../core/vm-lookup.ts';
import { TaskFailure } from '../http/pve-error.ts';
import type { TaskDefinition, TaskLog } from './task-definition.ts';

type ResizeOp = Extract<TaskOp, { kind: 'resize' }>;

const units: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

function resize(ctx: SimContext, op: ResizeOp, node: string, log: TaskLog): void {
  const vm = loadVm(ctx, node, op.vmid);
  if (op.digest !== undefined && op.digest !== configDigest(vm)) throw new TaskFailure('checksum mismatch (file change by other user?)');
  assertUnlocked(ctx, vm);
  const value = vm.config[op.disk];
  if (value === undefined) throw new TaskFailure(`disk '${op.disk}' does not exist`);
  const drive = parseDrive(value);
  const volume = splitVolid(drive.volid);
  if (volume === undefined) throw new TaskFailure(`disk '${op.disk}' has no associated volume`);
  if (isCdromOrCloudinit(drive)) throw new TaskFailure("you can't resize a cdrom");
  const size = driveSize(drive);
  const match = /^(\+)?(\d+(?:\.\d+)?)([KMGT])?$/.exec(op.size);
  if (!match?.[2]) throw new TaskFailure('internal error');
  let newSize = Number(match[2]) * (match[3] === undefined ? 1 : (units[match[3]] ?? 1));
  if (match[1] !== undefined) newSize += size;
  newSize = Math.floor(newSize);
  if (newSize < size) throw new TaskFailure('shrinking disks is not supported');
  if (newSize === size) return;
  assertSpace(ctx, volume.storage, vm.node, newSize - size, { kind: 'resize', volname: volume.volname, newSize });
  const storage = ctx.state.storages.find((s) => s.name === volume.storage);
  if (storage !== undefined && storageType(storage) === 'lvmthin') {
    log(`  Size of logical volume pve/${volume.volname} changed from ${formatSize(size)} to ${formatSize(newSize)}.`);
    log(`  Logical volume pve/${volume.volname} successfully resized.`);
  } else {
    log('Resizing image: 100% complete...done.');
  }
  vm.config[op.disk] = printDrive(withOption(drive, 'size', formatSize(newSize)));
  ctx.changed();
  vmConfigured(ctx, vm, { resized: op.disk, size: formatSize(newSize) });
}

/** The resize task. */
export function resizeTask(op: ResizeOp, node: string): TaskDefinition {
  return {
    steps: [
      {
        wait: 'resize',
        run: (ctx, _task, log) => {
          resize(ctx, op, node, log);
        },
      },
    ],
  };
}
