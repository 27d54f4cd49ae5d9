// GET /nodes/{node}/qemu, …/{vmid}/status (index) and …/{vmid}/status/current.
import { loadVm, requireNode } from '../core/vm-lookup.ts';
import { agentEnabled } from '../core/vm-metrics.ts';
import { bool, optional } from '../http/params.ts';
import { nodeParam, vmidParam } from '../http/pve-formats.ts';
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';
import { vmStatus } from './vm-status.ts';

/** VM listing and status routes. */
export const qemuStatusRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/qemu',
    params: { node: nodeParam, full: optional(bool()) },
    handle: ({ sim }, { node }) => {
      requireNode(sim, node);
      return Object.values(sim.state.vms)
        .filter((vm) => vm.node === node)
        .map((vm) => vmStatus(sim, vm));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/status',
    params: { node: nodeParam, vmid: vmidParam },
    handle: ({ sim }, { node, vmid }) => {
      loadVm(sim, node, vmid);
      return ['current', 'start', 'stop', 'reset', 'shutdown', 'suspend', 'reboot'].map((subdir) => ({ subdir }));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/status/current',
    params: { node: nodeParam, vmid: vmidParam },
    handle: ({ sim }, { node, vmid }) => {
      requireNode(sim, node);
      const vm = loadVm(sim, node, vmid);
      return { ...vmStatus(sim, vm), ha: { managed: 0 }, agent: agentEnabled(vm.config) ? 1 : undefined };
    },
  }),
];
