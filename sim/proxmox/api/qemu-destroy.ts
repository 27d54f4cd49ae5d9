// DELETE /nodes/{node}/qemu/{vmid}: refusals before the worker, the rest inside qmdestroy.
import { loadVm, requireNode } from '../core/vm-lookup.ts';
import { TaskType } from '../core/task-type.ts';
import { bool, optional } from '../http/params.ts';
import { nodeParam, vmidParam } from '../http/pve-formats.ts';
import { paramError, pveDie } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { startTask } from '../tasks/task-engine.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

/** The destroy route. */
export const qemuDestroyRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'DELETE',
    path: '/nodes/{node}/qemu/{vmid}',
    params: {
      node: nodeParam,
      vmid: vmidParam,
      skiplock: optional(bool()),
      purge: optional(bool()),
      'destroy-unreferenced-disks': optional(bool()),
    },
    handle: ({ sim, user }, params) => {
      if (params.skiplock === true) throw paramError({ skiplock: 'Only root may use this option.' });
      requireNode(sim, params.node);
      const vm = loadVm(sim, params.node, params.vmid);
      if (vm.config['protection'] === '1') throw pveDie(`can't remove VM ${params.vmid} - protection mode enabled`);
      if (vm.status === 'running') throw pveDie(`VM ${params.vmid} is running - destroy failed`);
      return startTask(sim, {
        node: params.node,
        type: TaskType.destroy,
        id: String(params.vmid),
        user,
        op: { kind: 'destroy', vmid: params.vmid, purge: params.purge ?? false },
      }).upid;
    },
  }),
];
