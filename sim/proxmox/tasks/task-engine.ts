// Worker tasks: a UPID, a log, timed steps. Tasks are plain data in the state, so a
// restarted simulator picks up running tasks at the step where they stopped.
import { duration } from '../core/context.ts';
import type { SimContext } from '../core/context.ts';
import { nextPid } from '../core/vm-events.ts';
import type { TaskOp, TaskState } from '../core/state.ts';
import type { TaskType } from '../core/task-type.ts';
import { encodeUpid } from '../core/upid.ts';
import type { JsonObject } from '../http/json-value.ts';
import { PveError, TaskFailure } from '../http/pve-error.ts';
import { taskDefinition } from './task-steps.ts';

const keepFinishedTasks = 1000;

/** What a new task needs. */
export interface NewTask {
  readonly node: string;
  readonly type: TaskType;
  /** The `<id>` field: usually the vmid (the source vmid for clones). */
  readonly id: string;
  /** The caller's token id (`user@realm!name`). */
  readonly user: string;
  readonly op: TaskOp;
  /** Recorded with `task.started` (a clone: the new vmid and the storages it writes to). */
  readonly detail?: JsonObject;
}

/** Creates and schedules a task; returns it (its `upid` is the API answer). */
export function startTask(ctx: SimContext, input: NewTask): TaskState {
  const node = ctx.state.nodes.find((n) => n.name === input.node);
  const now = Date.now();
  const pid = nextPid(ctx);
  const parts = {
    node: input.node,
    pid,
    pstart: Math.floor((now - (node?.bootedAt ?? now)) / 10),
    starttime: Math.floor(now / 1000),
    type: input.type,
    id: input.id,
    user: input.user,
  };
  const injected = ctx.faults.takeTaskFailure(input.type, input.op.kind === 'clone' ? [input.op.vmid, input.op.newid] : [input.op.vmid]);
  const task: TaskState = {
    upid: encodeUpid(parts),
    ...parts,
    status: 'running',
    log: [],
    step: 0,
    op: input.op,
    ...(injected === undefined ? {} : { injectedFailure: injected }),
  };
  ctx.state.tasks.push(task);
  pruneFinished(ctx);
  ctx.events.append({
    type: 'task.started',
    upid: task.upid,
    node: task.node,
    vmid: input.op.vmid,
    taskType: task.type,
    ...(input.detail === undefined ? {} : { detail: input.detail }),
  });
  ctx.changed();
  schedule(ctx, task);
  return task;
}

/** Re-schedules every task that was running when the state was saved. */
export function resumeTasks(ctx: SimContext): void {
  for (const task of ctx.state.tasks) if (task.status === 'running') schedule(ctx, task);
}

function schedule(ctx: SimContext, task: TaskState): void {
  const step = taskDefinition(task).steps[task.step];
  if (step === undefined) {
    finish(ctx, task);
    return;
  }
  ctx.timers.after(duration(ctx, step.wait, step.fraction), () => {
    runStep(ctx, task);
  });
}

function runStep(ctx: SimContext, task: TaskState): void {
  if (task.status !== 'running') return;
  const definition = taskDefinition(task);
  const step = definition.steps[task.step];
  try {
    if (task.injectedFailure !== undefined) throw new TaskFailure(task.injectedFailure);
    step?.run(ctx, task, (line) => task.log.push(line));
  } catch (error) {
    definition.cleanup?.(ctx, task);
    finish(ctx, task, failureText(error));
    return;
  }
  task.step += 1;
  ctx.changed();
  schedule(ctx, task);
}

function failureText(error: unknown): string {
  if (error instanceof PveError || error instanceof TaskFailure) return error.message.replace(/\n+$/, '');
  // A simulator bug must not take the test process down with it; it shows up as a failed task.
  process.emitWarning(`proxmox sim: task step crashed: ${String(error)}`);
  return `internal error: ${String(error)}`;
}

function finish(ctx: SimContext, task: TaskState, error?: string): void {
  task.status = 'stopped';
  task.endtime = Math.floor(Date.now() / 1000);
  const warnings = task.warnings ?? 0;
  task.exitstatus = error ?? (warnings > 0 ? `WARNINGS: ${warnings}` : 'OK');
  task.log.push(error !== undefined ? `TASK ERROR: ${error}` : warnings > 0 ? `TASK WARNINGS: ${warnings}` : 'TASK OK');
  ctx.events.append({
    type: 'task.finished',
    upid: task.upid,
    node: task.node,
    vmid: task.op.vmid,
    taskType: task.type,
    detail: { exitstatus: task.exitstatus },
  });
  ctx.changed();
}

function pruneFinished(ctx: SimContext): void {
  const finished = ctx.state.tasks.filter((t) => t.status === 'stopped');
  if (finished.length <= keepFinishedTasks) return;
  const drop = new Set(finished.slice(0, finished.length - keepFinishedTasks));
  ctx.state.tasks = ctx.state.tasks.filter((t) => !drop.has(t));
}

/** Resolves with the task once it has stopped (immediately if it already has). */
export function whenFinished(ctx: SimContext, task: TaskState): Promise<TaskState> {
  if (task.status === 'stopped') return Promise.resolve(task);
  return new Promise((resolve) => {
    const unsubscribe = ctx.events.subscribe((event) => {
      if (event.type === 'task.finished' && event.upid === task.upid) {
        unsubscribe();
        resolve(task);
      }
    });
  });
}
