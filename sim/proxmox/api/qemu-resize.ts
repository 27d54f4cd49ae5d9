// PUT …/{vmid}/resize: async since PVE 8.0 and every check (even "does the VM exist") runs
// inside the resize task.
import { requireNode } from '../core/vm-lookup.ts';
import { TaskType } from '../core/task-type.ts';
import { bool, optional, required, str } from '../http/params.ts';
import { nodeParam, vmidParam } from '../http/pve-formats.ts';
import { paramError } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { startTask } from '../tasks/task-engine.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

const numbered = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** PVE::QemuServer::Drive::valid_drive_names, in PVE's order. */
export const validDriveNames = [
  ...numbered('ide', 4),
  ...numbered('sata', 6),
  ...numbered('scsi', 31),
  ...numbered('virtio', 16),
  'efidisk0',
  'tpmstate0',
];

/** The resize route. */
export const qemuResizeRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/resize',
    params: {
      node: nodeParam,
      vmid: vmidParam,
      skiplock: optional(bool()),
      disk: required(str({ enum: validDriveNames })),
      size: required(str({ pattern: /\+?\d+(\.\d+)?[KMGT]?/ })),
      digest: optional(str({ maxLength: 40 })),
    },
    handle: ({ sim, user }, p) => {
      if (p.skiplock === true) throw paramError({ skiplock: 'Only root may use this option.' });
      requireNode(sim, p.node);
      return startTask(sim, {
        node: p.node,
        type: TaskType.resize,
        id: String(p.vmid),
        user,
        op: { kind: 'resize', vmid: p.vmid, disk: p.disk, size: p.size, ...(p.digest === undefined ? {} : { digest: p.digest }) },
      }).upid;
    },
  }),
];
