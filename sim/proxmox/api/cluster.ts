// GET /cluster/resources (guest stats lag like pvestatd's) and GET /cluster/nextid.
import { duration, effectiveLock } from '../core/context.ts';
import type { SimContext } from '../core/context.ts';
import type { VmState } from '../core/state.ts';
import { bootDiskBytes, cpuCount, memoryBytes } from '../core/vm-metrics.ts';
import type { JsonObject } from '../http/json-value.ts';
import { optional, str } from '../http/params.ts';
import { optionalVmidParam } from '../http/pve-formats.ts';
import { paramError, pveDie } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';
import { nodeCpu, nodeMemory, nodeUptime, rootfsBytes } from './node-metrics.ts';
import { storageEntry } from './storage-view.ts';

// Config-derived fields (node, tags, lock, template) are current; stats come from the lagging samples.
function guestResource(ctx: SimContext, vm: VmState, at: number): JsonObject {
  const lock = effectiveLock(ctx, vm);
  const base: JsonObject = {
    id: `qemu/${vm.vmid}`,
    type: 'qemu',
    vmid: vm.vmid,
    node: vm.node,
    template: vm.config['template'] === '1' ? 1 : 0,
    tags: vm.config['tags'],
    lock,
  };
  const sample = ctx.stats.view(vm.vmid, at);
  if (sample === undefined) return { ...base, status: 'unknown' };
  const running = sample.status === 'running';
  const maxmem = memoryBytes(vm.config);
  return {
    ...base,
    name: sample.name,
    status: sample.status,
    maxcpu: cpuCount(vm.config),
    cpu: running ? 0.012 : 0,
    maxmem,
    mem: running ? Math.floor(maxmem * 0.3) : 0,
    maxdisk: bootDiskBytes(vm.config),
    disk: 0,
    uptime: running && sample.startedAt !== undefined ? Math.max(0, Math.floor((at - sample.startedAt) / 1000)) : 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
  };
}

function resources(ctx: SimContext, type: string | undefined): JsonObject[] {
  const result: JsonObject[] = [];
  if (type === undefined || type === 'vm') {
    const at = Date.now() - duration(ctx, 'resourcesLag');
    for (const vm of Object.values(ctx.state.vms)) result.push(guestResource(ctx, vm, at));
  }
  for (const node of ctx.state.nodes) {
    if (type === undefined || type === 'node') {
      const memory = nodeMemory(ctx, node);
      result.push({
        id: `node/${node.name}`,
        type: 'node',
        node: node.name,
        status: 'online',
        cpu: nodeCpu(ctx, node),
        maxcpu: node.cpus,
        mem: memory.used,
        maxmem: memory.total,
        disk: Math.floor(rootfsBytes * 0.1),
        maxdisk: rootfsBytes,
        uptime: nodeUptime(node),
        level: '',
        'cgroup-mode': 2,
      });
    }
    if (type === undefined || type === 'storage') {
      for (const storage of ctx.state.storages) {
        const entry = storageEntry(ctx, storage, node);
        result.push({
          id: `storage/${node.name}/${storage.name}`,
          type: 'storage',
          node: node.name,
          storage: storage.name,
          status: 'available',
          disk: entry.used,
          maxdisk: entry.total,
          content: entry.content,
          plugintype: entry.type,
          shared: entry.shared,
        });
      }
    }
    if (type === undefined || type === 'sdn') {
      result.push({ id: `sdn/${node.name}/localnetwork`, type: 'sdn', sdn: 'localnetwork', node: node.name, status: 'ok' });
    }
  }
  return result;
}

/** Cluster routes. */
export const clusterRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'GET',
    path: '/cluster/resources',
    params: { type: optional(str({ enum: ['vm', 'storage', 'node', 'sdn'] })) },
    handle: ({ sim }, { type }) => resources(sim, type),
  }),
  apiRoute({
    method: 'GET',
    path: '/cluster/nextid',
    params: { vmid: optionalVmidParam },
    // PVE returns the id as a JSON string; nothing is reserved (two callers can get the same id).
    handle: ({ sim }, { vmid }) => {
      if (vmid !== undefined) {
        if (sim.state.vms[String(vmid)] !== undefined) throw paramError({ vmid: `VM ${vmid} already exists` });
        return String(vmid);
      }
      for (let id = 100; id < 1_000_000; id++) if (sim.state.vms[String(id)] === undefined) return String(id);
      throw pveDie('unable to get any free VMID in range [100, 1000000]');
    },
  }),
];
