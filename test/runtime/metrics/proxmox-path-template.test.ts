import { describe, expect, it } from 'vitest';
import { proxmoxPathTemplate } from '../../../runtime/metrics/proxmox-path-template.ts';

describe('proxmoxPathTemplate', () => {
  it.each([
    ['/cluster/resources', '/cluster/resources'],
    ['/cluster/nextid', '/cluster/nextid'],
    ['/nodes', '/nodes'],
    ['/nodes/pve1/status', '/nodes/{node}/status'],
    ['/nodes/pve-2/qemu/104/config', '/nodes/{node}/qemu/{vmid}/config'],
    ['/nodes/pve1/qemu/9000/clone', '/nodes/{node}/qemu/{vmid}/clone'],
    ['/nodes/pve1/qemu/104/agent/network-get-interfaces', '/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces'],
    [
      `/nodes/pve1/tasks/${encodeURIComponent('UPID:pve1:0000A1B2:00C3D4E5:65F00000:qmclone:104:root@pam!capstan:')}/status`,
      '/nodes/{node}/tasks/{upid}/status',
    ],
    ['/nodes/pve1/storage/local-lvm/content/local-lvm:vm-104-disk-0', '/nodes/{node}/storage/{storage}/content/{volume}'],
    ['/pools/capstan', '/pools/{pool}'],
    ['/nodes/pve1/qemu/104/config?digest=abc', '/nodes/{node}/qemu/{vmid}/config'],
    // An identifier under a collection it does not know still becomes a placeholder.
    ['/access/acl/12345', '/access/acl/{id}'],
  ])('%s → %s', (path, template) => {
    expect(proxmoxPathTemplate(path)).toBe(template);
  });
});
