// GET /nodes/{node}/tasks, …/tasks/{upid}, …/status and …/log. A task is only found on the
// node that ran it (PVE reads the task file locally), and unknown UPIDs are parameter errors.
import type { SimContext } from '../core/context.ts';
import type { TaskState } from '../core/state.ts';
import { decodeUpid } from '../core/upid.ts';
import { requireNode } from '../core/vm-lookup.ts';
import type { JsonObject } from '../http/json-value.ts';
import { bool, int, optional, required, str } from '../http/params.ts';
import { nodeParam, optionalVmidParam } from '../http/pve-formats.ts';
import { paramError } from '../http/pve-error.ts';
import { Paged } from '../http/router.ts';
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

const upidParam = required(str());

function findTask(sim: SimContext, node: string, upid: string): TaskState {
  requireNode(sim, node);
  if (decodeUpid(upid) === undefined) throw paramError({ upid: 'unable to parse worker upid' });
  const task = sim.state.tasks.find((t) => t.upid === upid && t.node === node);
  if (task === undefined) throw paramError({ upid: 'no such task' });
  return task;
}

// For token tasks PVE splits `user@realm!name` into user and tokenid.
function taskFields(task: TaskState): JsonObject {
  const [user, tokenid] = task.user.split('!');
  return {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    user: user ?? task.user,
    tokenid,
  };
}

/** Task routes. */
export const taskRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/tasks',
    params: {
      node: nodeParam,
      start: optional(int({ min: 0 })),
      limit: optional(int({ min: 0 })),
      userfilter: optional(str()),
      typefilter: optional(str()),
      vmid: optionalVmidParam,
      errors: optional(bool()),
      source: optional(str({ enum: ['archive', 'active', 'all'] })),
    },
    handle: ({ sim }, p) => {
      requireNode(sim, p.node);
      const source = p.source ?? 'archive';
      const matching = sim.state.tasks
        .filter((t) => t.node === p.node)
        .filter((t) => source === 'all' || (source === 'active') === (t.status === 'running'))
        .filter((t) => p.vmid === undefined || t.id === String(p.vmid))
        .filter((t) => p.typefilter === undefined || t.type === p.typefilter)
        .filter((t) => p.userfilter === undefined || t.user.toLowerCase().includes(p.userfilter.toLowerCase()))
        .filter((t) => p.errors !== true || (t.exitstatus !== undefined && t.exitstatus !== 'OK'))
        .reverse();
      const start = p.start ?? 0;
      const page = matching.slice(start, start + (p.limit ?? 50)).map((t) => ({
        ...taskFields(t),
        endtime: t.endtime,
        status: t.status === 'stopped' ? t.exitstatus : undefined,
      }));
      return new Paged(page, matching.length);
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}',
    params: { node: nodeParam, upid: upidParam },
    handle: () => [{ name: 'log' }, { name: 'status' }],
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/status',
    params: { node: nodeParam, upid: upidParam },
    handle: ({ sim }, p) => {
      const task = findTask(sim, p.node, p.upid);
      return { ...taskFields(task), status: task.status, exitstatus: task.status === 'stopped' ? task.exitstatus : undefined };
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/log',
    params: {
      node: nodeParam,
      upid: upidParam,
      start: optional(int({ min: 0 })),
      limit: optional(int({ min: 0 })),
      download: optional(bool()),
    },
    handle: ({ sim }, p) => {
      const task = findTask(sim, p.node, p.upid);
      const lines = task.log.length === 0 ? ['no content'] : task.log;
      const start = p.start ?? 0;
      const page = lines.slice(start, start + (p.limit ?? 50)).map((t, i) => ({ n: start + i + 1, t }));
      return new Paged(page, lines.length);
    },
  }),
];
