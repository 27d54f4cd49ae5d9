// POST …/{vmid}/clone with clone_vm's early checks; the copy itself is the qmclone task.
import type { SimContext } from '../core/context.ts';
import type { VmState } from '../core/state.ts';
import { TaskType } from '../core/task-type.ts';
import { assertUnlocked, isTemplate, requireNode, requireStorage } from '../core/vm-lookup.ts';
import { isCdromOrCloudinit, isDriveKey, parseDrive, splitVolid } from '../config/drives.ts';
import { bool, int, optional, str } from '../http/params.ts';
import { dnsNameError, nodeNameError, nodeParam, storageIdError, vmidParam } from '../http/pve-formats.ts';
import { paramError, pveDie } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { startTask } from '../tasks/task-engine.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

// True when every disk and CD image lives on shared storage (only then may `target` be used).
function onSharedStorage(sim: SimContext, vm: VmState): boolean {
  return Object.entries(vm.config).every(([key, value]) => {
    if (!isDriveKey(key)) return true;
    const drive = parseDrive(value);
    const volume = splitVolid(drive.volid);
    if (volume === undefined) return true;
    return sim.state.storages.find((s) => s.name === volume.storage)?.shared === true;
  });
}

// The storages a clone writes disk images to: `storage` when given, else each disk's own, so a
// test can count the clones running on one storage from the event log.
function writtenStorages(vm: VmState, storage: string | undefined): string[] {
  if (storage !== undefined) return [storage];
  const storages = Object.entries(vm.config).flatMap(([key, value]) => {
    if (!isDriveKey(key)) return [];
    const drive = parseDrive(value);
    const volume = splitVolid(drive.volid);
    return volume === undefined || isCdromOrCloudinit(drive) ? [] : [volume.storage];
  });
  return [...new Set(storages)].sort();
}

/** The clone route. */
export const qemuCloneRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/clone',
    params: {
      node: nodeParam,
      vmid: vmidParam,
      newid: vmidParam,
      name: optional(str({ format: dnsNameError })),
      description: optional(str()),
      pool: optional(str()),
      snapname: optional(str({ maxLength: 40 })),
      storage: optional(str({ format: storageIdError })),
      format: optional(str({ enum: ['raw', 'qcow2', 'vmdk'] })),
      full: optional(bool()),
      target: optional(str({ format: nodeNameError })),
      bwlimit: optional(int({ min: 0 })),
    },
    handle: ({ sim, user }, p) => {
      requireNode(sim, p.node);
      const target = p.target === p.node || p.target === 'localhost' ? undefined : p.target;
      const source = sim.state.vms[String(p.vmid)];
      if (source?.node !== p.node) throw pveDie(`unable to find configuration file for VM ${p.vmid} on node '${p.node}'`);
      if (target !== undefined && !sim.state.nodes.some((n) => n.name === target)) throw pveDie(`no such cluster node '${target}'`);
      if (p.storage !== undefined) {
        const storage = requireStorage(sim, p.storage);
        if (!storage.content.includes('images')) throw paramError({ storage: `storage '${p.storage}' does not support vm images` });
        if (target !== undefined && !storage.shared) throw pveDie(`can't clone to non-shared storage '${p.storage}'`);
      }
      assertUnlocked(sim, source);
      if (p.snapname !== undefined) throw pveDie(`snapshot '${p.snapname}' does not exist`);
      const full = p.full ?? !isTemplate(source);
      if (p.storage !== undefined && !full) throw pveDie("parameter 'storage' not allowed for linked clones");
      if (p.format !== undefined && !full) throw pveDie("parameter 'format' not allowed for linked clones");
      if (target !== undefined && !onSharedStorage(sim, source)) throw pveDie(`can't clone VM to node '${target}' (VM uses local storage)`);
      const existing = sim.state.vms[String(p.newid)];
      if (existing?.node === p.node) throw pveDie(`unable to create VM ${p.newid}: config file already exists`);
      // The worker writes a config holding only `lock: clone` first; on another node's id pmxcfs refuses it.
      if (existing === undefined) {
        sim.state.vms[String(p.newid)] = {
          vmid: p.newid,
          node: p.node,
          config: { lock: 'clone' },
          pending: {},
          pendingDelete: [],
          status: 'stopped',
        };
      }
      return startTask(sim, {
        node: p.node,
        type: TaskType.clone,
        id: String(p.vmid),
        user,
        detail: { newid: p.newid, storages: writtenStorages(source, full ? p.storage : undefined) },
        op: {
          kind: 'clone',
          vmid: p.vmid,
          newid: p.newid,
          full,
          placeholder: existing === undefined,
          ...(p.name === undefined ? {} : { name: p.name }),
          ...(p.description === undefined ? {} : { description: p.description }),
          ...(target === undefined ? {} : { target }),
          ...(p.storage === undefined ? {} : { storage: p.storage }),
          ...(p.format === undefined ? {} : { format: p.format }),
        },
      }).upid;
    },
  }),
];
