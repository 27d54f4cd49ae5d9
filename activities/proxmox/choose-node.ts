import { ErrorType } from '../../api/errors.ts';
import type { MachineVmSpec } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { classified } from './classify-error.ts';
import { PveNodeList, PveNodeStatus, PveQemuList } from './pve-schemas.ts';
import type { ProxmoxClient } from './proxmox-client.ts';

/** Memory of one node as the scheduler sees it (MiB). */
export interface NodeMemory {
  readonly node: string;
  readonly online: boolean;
  /** False for a name Proxmox does not know at all (a typo), which no wait will fix. */
  readonly exists?: boolean;
  readonly totalMiB: number;
  /** Sum of the configured memory of every non-template VM on the node, running or not. */
  readonly assignedMiB: number;
}

/**
 * Picks the allowed node with the most unassigned memory that still fits the VM; ties go to
 * the first in `allowedNodes`. Counting configured (not used) memory, as CAPMOX does, keeps
 * stopped VMs from being overbooked when they start again.
 */
export function pickNode(nodes: readonly NodeMemory[], allowed: readonly string[], memoryMiB: number): string | undefined {
  let best: { node: string; free: number } | undefined;
  for (const name of allowed) {
    const node = nodes.find((n) => n.node === name);
    if (!node?.online) continue;
    const free = node.totalMiB - node.assignedMiB;
    if (free >= memoryMiB && (!best || free > best.free)) best = { node: name, free };
  }
  return best?.node;
}

/** Reads the allowed nodes' memory from Proxmox and picks one, or fails retryably when none fits. */
export async function chooseNode(client: ProxmoxClient, spec: MachineVmSpec): Promise<string> {
  const nodes = await classified(async () => {
    const listed = await client.get('/nodes', PveNodeList);
    const known = new Set(listed.map((n) => n.node));
    const online = new Set(listed.filter((n) => n.status !== 'offline').map((n) => n.node));
    return Promise.all(
      spec.allowedNodes.map(async (node): Promise<NodeMemory> => {
        if (!online.has(node)) return { node, online: false, exists: known.has(node), totalMiB: 0, assignedMiB: 0 };
        const [status, vms] = await Promise.all([
          client.get(`/nodes/${node}/status`, PveNodeStatus),
          client.get(`/nodes/${node}/qemu`, PveQemuList),
        ]);
        const assignedBytes = vms.filter((vm) => vm.template !== 1).reduce((sum, vm) => sum + (vm.maxmem ?? 0), 0);
        return { node, online: true, totalMiB: status.memory.total / 2 ** 20, assignedMiB: assignedBytes / 2 ** 20 };
      }),
    );
  });
  const chosen = pickNode(nodes, spec.allowedNodes, spec.memoryMiB);
  if (chosen) return chosen;
  const summary = nodes.map((n) =>
    n.online
      ? `${n.node}: ${Math.floor(n.totalMiB - n.assignedMiB)} MiB free`
      : `${n.node}: ${n.exists === false ? 'no such node' : 'offline'}`,
  );
  throw failure(ErrorType.ProxmoxNoCapacity, `no allowed node has ${spec.memoryMiB} MiB free for ${spec.machine} (${summary.join(', ')})`);
}
