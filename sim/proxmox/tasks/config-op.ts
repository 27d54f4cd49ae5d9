// qmconfig (POST …/config) and the synchronous PUT …/config share one update function.
import { applyChange } from '../config/apply-config.ts';
import type { ConfigChange } from '../config/apply-config.ts';
import type { SimContext } from '../core/context.ts';
import type { TaskOp } from '../core/state.ts';
import { vmConfigured } from '../core/vm-events.ts';
import { assertUnlocked, loadVm } from '../core/vm-lookup.ts';
import type { TaskDefinition, TaskLog } from './task-definition.ts';

type ConfigOp = Extract<TaskOp, { kind: 'config' }>;

/** Applies a config change under the VM's lock (re-checked, as the worker reloads the config). */
export function updateConfig(ctx: SimContext, node: string, vmid: number, change: ConfigChange, summary: string, log: TaskLog): void {
  const vm = loadVm(ctx, node, vmid);
  assertUnlocked(ctx, vm);
  log(`update VM ${vmid}: ${summary}`);
  for (const warning of applyChange(ctx, vm, change)) log(warning);
  ctx.changed();
  vmConfigured(ctx, vm, {
    set: Object.keys(change.set),
    delete: [...change.delete],
    pending: [...Object.keys(vm.pending), ...vm.pendingDelete.map((k) => `delete:${k.replace(/^!/, '')}`)],
  });
}

/** The qmconfig task. */
export function configTask(op: ConfigOp, node: string): TaskDefinition {
  return {
    steps: [
      {
        wait: 'config',
        run: (ctx, _task, log) => {
          updateConfig(ctx, node, op.vmid, { set: op.set, delete: op.delete, force: op.force }, op.summary, log);
        },
      },
    ],
  };
}
