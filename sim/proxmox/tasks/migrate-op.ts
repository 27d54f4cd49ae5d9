// qmigrate (offline or online): the VM holds `lock: migrate` while its config moves.
import type { SimContext } from '../core/context.ts';
import type { TaskOp } from '../core/state.ts';
import { vmMigrated } from '../core/vm-events.ts';
import { assertUnlocked, loadVm } from '../core/vm-lookup.ts';
import type { TaskDefinition } from './task-definition.ts';

type MigrateOp = Extract<TaskOp, { kind: 'migrate' }>;

/** Moves a VM's config to another node now (also used by the programmatic `migrate`). */
export function moveVm(ctx: SimContext, vmid: number, from: string, to: string): void {
  const vm = loadVm(ctx, from, vmid);
  vm.node = to;
  if (vm.config['lock'] === 'migrate') delete vm.config['lock'];
  ctx.changed();
  vmMigrated(ctx, vm, from);
}

/** The qmigrate steps. */
export function migrateTask(op: MigrateOp, node: string): TaskDefinition {
  return {
    steps: [
      {
        wait: 'generic',
        run: (ctx, _task, log) => {
          const vm = loadVm(ctx, node, op.vmid);
          assertUnlocked(ctx, vm);
          vm.config['lock'] = 'migrate';
          ctx.changed();
          log(`starting migration of VM ${op.vmid} to node '${op.target}'`);
        },
      },
      {
        wait: 'migrate',
        run: (ctx, _task, log) => {
          moveVm(ctx, op.vmid, node, op.target);
          log('migration finished successfully');
        },
      },
    ],
    cleanup: (ctx) => {
      const vm = ctx.state.vms[String(op.vmid)];
      if (vm?.config['lock'] === 'migrate') delete vm.config['lock'];
    },
  };
}
