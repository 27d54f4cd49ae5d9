// Which steps a task runs, by its persisted op.
import type { TaskState } from '../core/state.ts';
import { cloneTask } from './clone-op.ts';
import { configTask } from './config-op.ts';
import { destroyTask } from './destroy-op.ts';
import { migrateTask } from './migrate-op.ts';
import { powerTask } from './power-ops.ts';
import { resizeTask } from './resize-op.ts';
import type { TaskDefinition } from './task-definition.ts';

/** The definition of a task's kind, bound to its op and node. */
export function taskDefinition(task: TaskState): TaskDefinition {
  const op = task.op;
  switch (op.kind) {
    case 'clone':
      return cloneTask(op, task.node);
    case 'config':
      return configTask(op, task.node);
    case 'resize':
      return resizeTask(op, task.node);
    case 'destroy':
      return destroyTask(op, task.node);
    case 'migrate':
      return migrateTask(op, task.node);
    case 'start':
    case 'stop':
    case 'shutdown':
    case 'reboot':
    case 'resume':
      return powerTask(op, task.node);
  }
}
