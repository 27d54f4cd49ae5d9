// qmstart / qmstop / qmshutdown / qmreboot / qmresume. Their checks run inside the worker, so a
// locked VM or a start on a running VM shows up as a failed task, not an HTTP error.
import { applyPending } from '../config/apply-config.ts';
import type { SimContext } from '../core/context.ts';
import { agentAnswers } from '../core/guest-agent.ts';
import type { TaskOp, TaskState } from '../core/state.ts';
import { markRunning, markStopped, vmStarted, vmStopped } from '../core/vm-events.ts';
import { assertUnlocked, isTemplate, loadVm } from '../core/vm-lookup.ts';
import { agentEnabled } from '../core/vm-metrics.ts';
import { TaskFailure } from '../http/pve-error.ts';
import { warn } from './task-definition.ts';
import type { TaskDefinition, TaskLog, TaskStep } from './task-definition.ts';

type PowerOp = Extract<TaskOp, { kind: 'start' | 'stop' | 'shutdown' | 'reboot' | 'resume' }>;

function start(ctx: SimContext, node: string, vmid: number): void {
  const vm = loadVm(ctx, node, vmid);
  if (isTemplate(vm)) throw new TaskFailure("you can't start a vm if it's a template");
  assertUnlocked(ctx, vm);
  if (vm.status === 'running') throw new TaskFailure(`VM ${vmid} already running`);
  applyPending(vm, 'all');
  markRunning(ctx, vm);
  ctx.changed();
  vmStarted(ctx, vm);
}

// Stop and shutdown of a stopped VM end OK: PVE's vm_stop returns early.
function stop(ctx: SimContext, node: string, vmid: number): void {
  const vm = loadVm(ctx, node, vmid);
  assertUnlocked(ctx, vm);
  if (vm.status !== 'running') return;
  markStopped(vm);
  ctx.changed();
  vmStopped(ctx, vm);
}

// With the agent enabled, PVE shuts down through `guest-shutdown`; a guest whose agent does
// not answer never goes down, and only forceStop kills it (with a warning).
function shutdown(ctx: SimContext, node: string, op: PowerOp, task: TaskState, log: TaskLog): void {
  const vm = loadVm(ctx, node, op.vmid);
  assertUnlocked(ctx, vm);
  if (vm.status !== 'running') return;
  if (agentEnabled(vm.config) && !agentAnswers(ctx, vm)) {
    if (op.forceStop !== true) throw new TaskFailure('VM quit/powerdown failed');
    warn(task, log, 'VM quit/powerdown failed - terminating now with SIGTERM');
  }
  stop(ctx, node, op.vmid);
}

/** The steps of a power task. */
export function powerTask(op: PowerOp, node: string): TaskDefinition {
  const startStep: TaskStep = {
    wait: 'start',
    run: (ctx) => {
      start(ctx, node, op.vmid);
    },
  };
  switch (op.kind) {
    case 'start':
      return { steps: [startStep] };
    case 'stop':
      return {
        steps: [
          {
            wait: 'stop',
            run: (ctx) => {
              stop(ctx, node, op.vmid);
            },
          },
        ],
      };
    case 'shutdown':
      return {
        steps: [
          {
            wait: 'shutdown',
            run: (ctx, task, log) => {
              shutdown(ctx, node, op, task, log);
            },
          },
        ],
      };
    case 'reboot':
      return {
        steps: [
          {
            wait: 'shutdown',
            run: (ctx, task, log) => {
              if (loadVm(ctx, node, op.vmid).status !== 'running') throw new TaskFailure(`VM ${op.vmid} not running`);
              shutdown(ctx, node, op, task, log);
            },
          },
          startStep,
        ],
      };
    case 'resume':
      // qemu-server's vm_resume asks QEMU for its state first: a VM that went down meanwhile
      // fails, a running one is "job done" (no lock check). Paused guests are not simulated.
      return {
        steps: [
          {
            wait: 'generic',
            run: (ctx) => {
              if (loadVm(ctx, node, op.vmid).status !== 'running') throw new TaskFailure(`VM ${op.vmid} not running`);
            },
          },
        ],
      };
  }
}
