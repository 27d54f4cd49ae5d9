// POST …/{vmid}/migrate: the early checks of migrate_vm, then a qmigrate task.
import { assertUnlocked, loadVm, requireNode } from '../core/vm-lookup.ts';
import { TaskType } from '../core/task-type.ts';
import { bool, int, optional, required, str } from '../http/params.ts';
import { nodeNameError, nodeParam, vmidParam } from '../http/pve-formats.ts';
import { paramError, pveDie } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { startTask } from '../tasks/task-engine.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

/** The migrate route. */
export const qemuMigrateRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/migrate',
    params: {
      node: nodeParam,
      vmid: vmidParam,
      target: required(str({ format: nodeNameError })),
      online: optional(bool()),
      force: optional(bool()),
      migration_type: optional(str({ enum: ['secure', 'insecure'] })),
      migration_network: optional(str()),
      'with-local-disks': optional(bool()),
      targetstorage: optional(str()),
      bwlimit: optional(int({ min: 0 })),
      'with-conntrack-state': optional(bool()),
    },
    handle: ({ sim, user }, p) => {
      requireNode(sim, p.node);
      if (p.target === p.node) throw paramError({ target: 'target is local node.' });
      if (!sim.state.nodes.some((n) => n.name === p.target)) throw pveDie(`no such cluster node '${p.target}'`);
      const vm = loadVm(sim, p.node, p.vmid);
      assertUnlocked(sim, vm);
      if (vm.status === 'running' && p.online !== true) throw pveDie("can't migrate running VM without --online");
      return startTask(sim, {
        node: p.node,
        type: TaskType.migrate,
        id: String(p.vmid),
        user,
        op: { kind: 'migrate', vmid: p.vmid, target: p.target },
      }).upid;
    },
  }),
];
