import type { PreflightInput, PreflightProblem } from '../../api/preflight.ts';
import { classified } from './classify-error.ts';
import { PveNodeResources, PveVmResources } from './pve-schemas.ts';
import type { ProxmoxClient } from './proxmox-client.ts';

/** One Proxmox node as `GET /nodes` lists it (no sizes while it is offline): enough to know whether a VM could ever fit. */
export interface NodeCapacity {
  readonly node: string;
  /** Logical CPUs; PVE refuses to start a VM with more vCPUs than this. */
  readonly cpus?: number | undefined;
  readonly memoryMiB?: number | undefined;
}

/** A VM as `GET /cluster/resources?type=vm` lists it. */
export interface ListedVm {
  readonly vmid: number;
  readonly node: string;
  readonly name?: string | undefined;
  readonly template: boolean;
}

const templateField = 'spec.template.spec';

/**
 * What would make the operation fail once VMs are cloned, judged from one look at Proxmox: an
 * allowed node that does not exist, a template VM that is missing or not a template, and a size
 * no allowed node could ever run (more memory than a node has, more vCPUs than its CPUs). Free
 * memory is not judged here: it changes by the minute, and a full node is waited for, not refused.
 */
export function placementProblems(input: PreflightInput, nodes: readonly NodeCapacity[], vms: readonly ListedVm[]): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  const cloning = input.groups.filter((g) => g.clones);
  if (cloning.length === 0) return problems;
  const known = new Set(nodes.map((n) => n.node));
  input.allowedNodes.forEach((name, index) => {
    if (known.has(name)) return;
    problems.push({
      object: input.proxmoxObject,
      field: `spec.allowedNodes[${index}]`,
      message: `${name} is not a node of this Proxmox VE cluster (its nodes: ${[...known].sort().join(', ') || 'none'}): name an existing node`,
    });
  });
  const allowed = nodes.filter((n) => input.allowedNodes.includes(n.node));
  // Offline nodes list no sizes: only the ones that do are judged.
  const sized = allowed.filter((n) => n.memoryMiB !== undefined);
  const counted = allowed.filter((n) => n.cpus !== undefined);
  const seen = new Set<string>();
  for (const group of cloning) {
    if (seen.has(group.templateObject)) continue; // one template shared by several groups is told once
    seen.add(group.templateObject);
    const { vm } = group;
    const template = vms.find((v) => v.vmid === vm.templateVmid);
    if (!template) {
      problems.push({
        object: group.templateObject,
        field: `${templateField}.templateID`,
        message: `VM ${vm.templateVmid} does not exist in the Proxmox VE cluster: set the VMID of the Talos template to clone`,
      });
    } else if (!template.template) {
      problems.push({
        object: group.templateObject,
        field: `${templateField}.templateID`,
        message: `VM ${vm.templateVmid} (${template.name ?? 'unnamed'} on ${template.node}) is not a template: convert it to a template or set another VMID`,
      });
    }
    if (sized.length > 0 && !sized.some((n) => (n.memoryMiB ?? 0) >= vm.memoryMiB)) {
      problems.push({
        object: group.templateObject,
        field: `${templateField}.memoryMiB`,
        message: `${vm.memoryMiB} MiB is more memory than any allowed node has (${sized.map((n) => `${n.node}: ${Math.floor(n.memoryMiB ?? 0)} MiB`).join(', ')}): lower it, or allow a larger node`,
      });
    }
    const vcpus = vm.cores * vm.sockets;
    if (counted.length > 0 && !counted.some((n) => (n.cpus ?? 0) >= vcpus)) {
      problems.push({
        object: group.templateObject,
        field: `${templateField}.numCores`,
        message: `${vcpus} vCPUs (numCores × numSockets) is more than any allowed node has (${counted.map((n) => `${n.node}: ${n.cpus ?? 0}`).join(', ')}): Proxmox VE would refuse to start the VM; lower it`,
      });
    }
  }
  return problems;
}

/** Reads the nodes and VMs once and judges the groups' placement. */
export async function checkPlacement(client: ProxmoxClient, input: PreflightInput): Promise<PreflightProblem[]> {
  const [nodes, resources] = await classified(() =>
    Promise.all([client.get('/nodes', PveNodeResources), client.get('/cluster/resources', PveVmResources, { type: 'vm' })]),
  );
  return placementProblems(
    input,
    nodes.map((n) => ({
      node: n.node,
      cpus: n.maxcpu,
      memoryMiB: n.maxmem === undefined ? undefined : n.maxmem / 2 ** 20,
    })),
    resources
      .filter((r) => r.type === 'qemu' && r.vmid !== undefined)
      .map((r) => ({ vmid: r.vmid ?? 0, node: r.node, name: r.name, template: r.template === 1 })),
  );
}
