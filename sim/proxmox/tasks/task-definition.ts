// What a task kind consists of: timed steps, and the cleanup PVE does when the worker dies.
import type { SimContext } from '../core/context.ts';
import type { TaskState } from '../core/state.ts';
import type { SimTiming } from '../timing.ts';

/** Appends a line to the task log. */
export type TaskLog = (line: string) => void;

/** Logs a warning the way a worker's `warn` does: it counts towards `WARNINGS: <n>`. */
export function warn(task: TaskState, log: TaskLog, line: string): void {
  task.warnings = (task.warnings ?? 0) + 1;
  log(line);
}

/** One step: wait `timing[key] * fraction` (scaled), then run. Throwing fails the task. */
export interface TaskStep {
  readonly wait: keyof SimTiming;
  readonly fraction?: number;
  run(ctx: SimContext, task: TaskState, log: TaskLog): void;
}

/** The steps of a task and what to undo when it fails. */
export interface TaskDefinition {
  readonly steps: readonly TaskStep[];
  cleanup?(ctx: SimContext, task: TaskState): void;
}
