// POST …/status/start|stop|shutdown|reboot|resume. Only reboot and resume check anything before
// forking (`VM <id> not running`); everything else fails inside the task, as on real PVE.
import type { SimContext } from '../core/context.ts';
import { requireNode } from '../core/vm-lookup.ts';
import { TaskType } from '../core/task-type.ts';
import { bool, int, optional, str } from '../http/params.ts';
import type { ParamShape } from '../http/params.ts';
import { nodeNameError, nodeParam, vmidParam } from '../http/pve-formats.ts';
import { paramError, pveDie } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { startTask } from '../tasks/task-engine.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

type PowerKind = 'start' | 'stop' | 'shutdown' | 'reboot' | 'resume';

const taskTypes = {
  start: TaskType.start,
  stop: TaskType.stop,
  shutdown: TaskType.shutdown,
  reboot: TaskType.reboot,
  resume: TaskType.resume,
} as const;

/** Options only root@pam may use; a token gets PVE's parameter error. */
function rejectRootOnly(params: Readonly<Record<string, unknown>>, names: readonly string[]): void {
  for (const name of names) {
    const value = params[name];
    if (value !== undefined && value !== false && value !== '') throw paramError({ [name]: 'Only root may use this option.' });
  }
}

// check_running dies with this when the config is not on the node.
function assertRunningHere(sim: SimContext, node: string, vmid: number): void {
  const vm = sim.state.vms[String(vmid)];
  if (vm?.node !== node) throw pveDie(`unable to find configuration file for VM ${vmid} on node '${node}'`);
  if (vm.status !== 'running') throw pveDie(`VM ${vmid} not running`);
}

function powerRoute(kind: PowerKind, extra: ParamShape, rootOnly: readonly string[]): Route<ApiContext> {
  return apiRoute({
    method: 'POST',
    path: `/nodes/{node}/qemu/{vmid}/status/${kind}`,
    params: { node: nodeParam, vmid: vmidParam, ...extra },
    handle: ({ sim, user }, params) => {
      const all: Readonly<Record<string, unknown>> = params;
      rejectRootOnly(all, rootOnly);
      requireNode(sim, params.node);
      // vm_resume also starts a VM hibernated to disk (lock `suspended`); hibernation is not simulated.
      if (kind === 'reboot' || kind === 'resume') assertRunningHere(sim, params.node, params.vmid);
      const forceStop = kind === 'shutdown' && all['forceStop'] === true;
      const op = { kind, vmid: params.vmid, ...(forceStop ? { forceStop } : {}) };
      return startTask(sim, { node: params.node, type: taskTypes[kind], id: String(params.vmid), user, op }).upid;
    },
  });
}

const timeout = optional(int({ min: 0 }));
const skiplock = optional(bool());

/** Power routes. */
export const qemuPowerRoutes: Route<ApiContext>[] = [
  powerRoute(
    'start',
    {
      skiplock,
      stateuri: optional(str({ maxLength: 128 })),
      migratedfrom: optional(str({ format: nodeNameError })),
      migration_type: optional(str({ enum: ['secure', 'insecure'] })),
      migration_network: optional(str()),
      machine: optional(str()),
      'force-cpu': optional(str()),
      targetstorage: optional(str()),
      timeout,
      'with-conntrack-state': optional(bool()),
      'nets-host-mtu': optional(str()),
    },
    [
      'skiplock',
      'stateuri',
      'migratedfrom',
      'migration_type',
      'migration_network',
      'targetstorage',
      'force-cpu',
      'with-conntrack-state',
      'nets-host-mtu',
    ],
  ),
  powerRoute(
    'stop',
    {
      skiplock,
      migratedfrom: optional(str({ format: nodeNameError })),
      timeout,
      keepActive: optional(bool()),
      'overrule-shutdown': optional(bool()),
    },
    ['skiplock', 'keepActive', 'migratedfrom'],
  ),
  powerRoute('shutdown', { skiplock, timeout, forceStop: optional(bool()), keepActive: optional(bool()) }, ['skiplock', 'keepActive']),
  powerRoute('reboot', { timeout }, []),
  powerRoute('resume', { skiplock, nocheck: optional(bool()) }, ['skiplock', 'nocheck']),
];
