// Node-level numbers shared by /nodes, /nodes/{node}/status and /cluster/resources.
import type { SimContext } from '../core/context.ts';
import type { NodeState } from '../core/state.ts';
import { cpuCount, memoryBytes } from '../core/vm-metrics.ts';

const mib = 2 ** 20;
const gib = 2 ** 30;

/** Root filesystem size every simulated node reports. */
export const rootfsBytes = 100 * gib;

/** Memory of a node: total from its size, used by the VMs running on it. */
export function nodeMemory(ctx: SimContext, node: NodeState): { total: number; used: number; free: number } {
  const total = node.memoryMiB * mib;
  const used = Object.values(ctx.state.vms)
    .filter((vm) => vm.node === node.name && vm.status === 'running')
    .reduce((sum, vm) => sum + memoryBytes(vm.config), 0);
  return { total, used, free: Math.max(0, total - used) };
}

/** CPU load (0..1): a small share per running vCPU. */
export function nodeCpu(ctx: SimContext, node: NodeState): number {
  const vcpus = Object.values(ctx.state.vms)
    .filter((vm) => vm.node === node.name && vm.status === 'running')
    .reduce((sum, vm) => sum + cpuCount(vm.config), 0);
  return Math.min(1, 0.005 + vcpus / node.cpus / 20);
}

/** Seconds since the node booted. */
export function nodeUptime(node: NodeState): number {
  return Math.floor((Date.now() - node.bootedAt) / 1000);
}
