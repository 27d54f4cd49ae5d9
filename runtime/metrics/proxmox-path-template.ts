/**
 * A Proxmox API path as a metric label: the segment after a collection that names one item (a
 * node, a VM, a task, a storage, a pool) becomes a placeholder, so `/nodes/pve1/qemu/104/config`
 * and every other VM's config count as one `/nodes/{node}/qemu/{vmid}/config` series. Anything
 * else that looks like an identifier (digits, an encoded UPID) becomes `{id}`: a label's values
 * must stay few whatever the cluster holds.
 */
export function proxmoxPathTemplate(path: string): string {
  const segments = path.split('?')[0]!.split('/');
  return segments
    .map((segment, index) => {
      const placeholder = itemAfter[segments[index - 1] ?? ''];
      if (placeholder !== undefined && segment !== '') return placeholder;
      return /^[0-9]+$|%|:/.test(segment) ? '{id}' : segment;
    })
    .join('/');
}

/** Collections whose next segment is one item of them, and the placeholder it becomes. */
const itemAfter: Readonly<Record<string, string>> = {
  nodes: '{node}',
  qemu: '{vmid}',
  lxc: '{vmid}',
  tasks: '{upid}',
  storage: '{storage}',
  content: '{volume}',
  pools: '{pool}',
  snapshot: '{snapshot}',
};
