// qmdestroy: the config gets `lock: destroyed` while the disks go, then the config itself.
import type { SimContext } from '../core/context.ts';
import type { TaskOp } from '../core/state.ts';
import { storageType } from '../core/storage-space.ts';
import { vmDestroyed } from '../core/vm-events.ts';
import { assertUnlocked, loadVm } from '../core/vm-lookup.ts';
import { TaskFailure } from '../http/pve-error.ts';
import { isCdromOrCloudinit, isDriveKey, parseDrive, splitVolid } from '../config/drives.ts';
import type { TaskDefinition, TaskLog } from './task-definition.ts';

type DestroyOp = Extract<TaskOp, { kind: 'destroy' }>;

function lockForDestroy(ctx: SimContext, node: string, vmid: number): void {
  const vm = loadVm(ctx, node, vmid);
  if (vm.status === 'running') throw new TaskFailure(`VM ${vmid} is running - destroy failed`);
  assertUnlocked(ctx, vm);
  vm.config['lock'] = 'destroyed';
  ctx.changed();
}

function removeVm(ctx: SimContext, op: DestroyOp, node: string, log: TaskLog): void {
  const vm = loadVm(ctx, node, op.vmid);
  for (const [key, value] of Object.entries(vm.config)) {
    if (!isDriveKey(key) && !/^unused\d+$/.test(key)) continue;
    const drive = parseDrive(value);
    const volume = splitVolid(drive.volid);
    if (volume === undefined || (isCdromOrCloudinit(drive) && !volume.volname.includes('cloudinit'))) continue;
    if (volume.volname.startsWith('base-')) continue;
    const storage = ctx.state.storages.find((s) => s.name === volume.storage);
    const name = volume.volname.split('/').at(-1) ?? volume.volname;
    log(
      storage !== undefined && storageType(storage) === 'lvmthin'
        ? `  Logical volume "${name}" successfully removed.`
        : 'Removing image: 100% complete...done.',
    );
  }
  if (op.purge) log(`purging VM ${op.vmid} from related configurations..`);
  Reflect.deleteProperty(ctx.state.vms, String(op.vmid));
  ctx.changed();
  delete vm.config['lock'];
  vmDestroyed(ctx, vm);
}

/** The qmdestroy steps. */
export function destroyTask(op: DestroyOp, node: string): TaskDefinition {
  return {
    steps: [
      {
        wait: 'generic',
        run: (ctx) => {
          lockForDestroy(ctx, node, op.vmid);
        },
      },
      {
        wait: 'destroy',
        run: (ctx, _task, log) => {
          removeVm(ctx, op, node, log);
        },
      },
    ],
  };
}
