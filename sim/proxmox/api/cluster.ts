// GET /cluster/resources (guest stats lag like pvestatd's), GET /cluster/status and GET /cluster/nextid.
import { duration, effectiveLock } from '../core/context.ts';
import type { SimContext } from '../core/context.ts';
import type { VmState } from '../core/state.ts';
import type { JsonObject } from '../http/json-value.ts';
import { optional, str } from '../http/params.ts';
import { optionalVmidParam } from '../http/pve-formats.ts';
import { paramError, pveDie } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';
import { nodeCpu, nodeMemory, nodeUptime, rootfsBytes } from './node-metrics.ts';
import { storageEntry } from './storage-view.ts';

// As PVE::API2Tools::extract_vm_stats builds it: id, vmid, node and type always; everything else
// (name, status, template, sizes, uptime) from the RRD sample pvestatd wrote a few seconds ago, so
// a VM without a sample yet is `status: unknown` and nothing more. `lock` and `tags` are read from
// the current config and only listed when set (get_guest_config_properties).
function guestResource(ctx: SimContext, vm: VmState, at: number): JsonObject {
  const lock = effectiveLock(ctx, vm);
  const base: JsonObject = { id: `qemu/${vm.vmid}`, vmid: vm.vmid, node: vm.node, type: 'qemu', status: 'unknown' };
  const current = { tags: vm.config['tags'], lock };
  const sample = ctx.stats.view(vm.vmid, at);
  if (sample === undefined) return { ...base, ...current };
  const running = sample.status === 'running';
  return {
    ...base,
    uptime: running && sample.startedAt !== undefined ? Math.max(0, Math.floor((at - sample.startedAt) / 1000)) : 0,
    name: sample.name,
    status: sample.status,
    template: sample.template ? 1 : 0,
    maxcpu: sample.maxcpu,
    cpu: running ? 0.012 : 0,
    maxmem: sample.maxmem,
    mem: running ? Math.floor(sample.maxmem * 0.3) : 0,
    maxdisk: sample.maxdisk,
    disk: 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    // PVE 9 keeps VM stats under `pve-vm-9.0` RRD keys, which add the host-side memory of the QEMU process.
    memhost: running ? Math.floor(sample.maxmem * 0.32) : 0,
    ...current,
  };
}

function resources(ctx: SimContext, type: string | undefined): JsonObject[] {
  const result: JsonObject[] = [];
  if (type === undefined || type === 'vm') {
    const at = Date.now() - duration(ctx, 'resourcesLag');
    // `sort keys %$idlist`: Perl sorts the vmids as strings ("1000" before "101").
    const vmids = Object.keys(ctx.state.vms).sort();
    for (const vmid of vmids) {
      const vm = ctx.state.vms[vmid];
      if (vm !== undefined) result.push(guestResource(ctx, vm, at));
    }
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

/** The corosync cluster's name the simulated nodes share. */
const clusterName = 'simulated';

// As PVE's cluster status lists it (booleans as 0/1): one `cluster` entry (quorate, node count,
// config version), then one `node` entry per member with its corosync id and whether it is the
// node answering. A client such as the Go PVE client reads it before anything else.
function clusterStatus(sim: SimContext): JsonObject[] {
  const nodes = sim.state.nodes;
  return [
    { id: 'cluster', name: clusterName, type: 'cluster', nodes: nodes.length, quorate: 1, version: nodes.length + 1 },
    ...nodes.map((node, index) => ({
      id: `node/${node.name}`,
      name: node.name,
      type: 'node',
      ip: `127.0.0.${index + 1}`,
      level: '',
      local: index === 0 ? 1 : 0,
      nodeid: index + 1,
      online: 1,
    })),
  ];
}

/** Cluster routes. */
export const clusterRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'GET',
    path: '/cluster/resources',
    params: { type: optional(str({ enum: ['vm', 'storage', 'node', 'sdn'] })) },
    handle: ({ sim }, { type }) => resources(sim, type),
  }),
  apiRoute({ method: 'GET', path: '/cluster/status', params: {}, handle: ({ sim }) => clusterStatus(sim) }),
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
