// GET/POST/PUT …/{vmid}/config and GET …/pending, following update_vm_api: parameter checks
// and early config checks (digest, lock) answer synchronously, the update itself runs in
// a qmconfig task (POST) or inline (PUT).
import { configKeySpec, configParamShape, typedValue } from '../config/config-keys.ts';
import { configView } from '../config/config-view.ts';
import { configDigest } from '../config/digest.ts';
import { parseNet, printNet } from '../config/net.ts';
import { normalizeTags } from '../config/tags.ts';
import type { ConfigChange } from '../config/apply-config.ts';
import type { SimContext } from '../core/context.ts';
import { TaskType } from '../core/task-type.ts';
import { assertUnlocked, loadVm, requireNode } from '../core/vm-lookup.ts';
import { memoryMiB } from '../core/vm-metrics.ts';
import { bool, int, optional, str } from '../http/params.ts';
import { nodeParam, splitList, vmidParam } from '../http/pve-formats.ts';
import { paramError, pveDie, TaskFailure } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { updateConfig } from '../tasks/config-op.ts';
import { startTask, whenFinished } from '../tasks/task-engine.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

const controlKeys = new Set(['node', 'vmid', 'digest', 'background_delay', 'delete', 'revert', 'force', 'skiplock']);

interface PreparedUpdate {
  readonly change: ConfigChange;
  readonly summary: string;
  readonly digest?: string;
}

// Everything update_vm_api checks and rewrites before it forks (or locks, for PUT).
function prepare(sim: SimContext, params: Readonly<Record<string, unknown>>): PreparedUpdate {
  if (params['skiplock'] === true) throw paramError({ skiplock: 'Only root may use this option.' });
  const set: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (!controlKeys.has(key) && typeof value === 'string') set[key] = value;
  const summary = Object.keys(params)
    .filter((key) => !['node', 'vmid', 'digest', 'background_delay'].includes(key) && params[key] !== undefined)
    .sort()
    .map((key) => `-${key} ${key === 'cipassword' ? '<hidden>' : String(params[key])}`)
    .join(' ');
  const deleteRaw = typeof params['delete'] === 'string' ? params['delete'] : '';
  if (Object.keys(set).length === 0 && deleteRaw === '') throw pveDie('no options specified');
  const deletes: string[] = [];
  for (const raw of splitList(deleteRaw)) {
    const key = raw === 'cdrom' ? 'ide2' : raw;
    if (set[key] !== undefined) throw paramError({ delete: `you can't use '-${key}' and -delete ${key}' at the same time` });
    if (configKeySpec(key) === undefined) throw paramError({ delete: `unknown option '${key}'` });
    deletes.push(key);
  }
  for (const [key, value] of Object.entries(set)) {
    if (/^net\d+$/.test(key)) {
      const device = parseNet(value);
      if (!('error' in device)) set[key] = printNet(device, sim.random);
    } else if (key === 'tags') {
      set[key] = normalizeTags(value);
    }
  }
  const digest = typeof params['digest'] === 'string' ? params['digest'] : undefined;
  return { change: { set, delete: deletes, force: params['force'] === true }, summary, ...(digest === undefined ? {} : { digest }) };
}

function earlyChecks(sim: SimContext, node: string, vmid: number, update: PreparedUpdate): void {
  const vm = loadVm(sim, node, vmid);
  if (update.digest !== undefined && update.digest !== configDigest(vm)) throw pveDie('checksum mismatch (file change by other user?)');
  assertUnlocked(sim, vm);
  const balloon = update.change.set['balloon'] ?? vm.pending['balloon'] ?? vm.config['balloon'];
  const memory = memoryMiB({ memory: update.change.set['memory'] ?? vm.pending['memory'] ?? vm.config['memory'] ?? '512' });
  if (balloon !== undefined && Number(balloon) > memory) throw pveDie('balloon value too large (must be smaller than assigned memory)');
}

const updateParams = { ...configParamShape(), node: nodeParam, vmid: vmidParam };

/** Config routes. */
export const qemuConfigRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/config',
    params: { node: nodeParam, vmid: vmidParam, current: optional(bool()), snapshot: optional(str({ maxLength: 40 })) },
    handle: ({ sim }, { node, vmid, current, snapshot }) => {
      requireNode(sim, node);
      if (snapshot !== undefined && current === true) {
        const message = "cannot use 'snapshot' parameter with 'current'";
        throw paramError({ snapshot: message, current: message });
      }
      const vm = loadVm(sim, node, vmid);
      if (snapshot !== undefined) throw pveDie(`snapshot '${snapshot}' does not exist`);
      return configView(sim, vm, current === true);
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/pending',
    params: { node: nodeParam, vmid: vmidParam },
    handle: ({ sim }, { node, vmid }) => {
      requireNode(sim, node);
      const vm = loadVm(sim, node, vmid);
      const keys = new Set([...Object.keys(vm.config), ...Object.keys(vm.pending), ...vm.pendingDelete.map((k) => k.replace(/^!/, ''))]);
      return [...keys].sort().map((key) => {
        const value = vm.config[key];
        const pending = vm.pending[key];
        const deletion = vm.pendingDelete.find((k) => k.replace(/^!/, '') === key);
        return {
          key,
          value: value === undefined ? undefined : typedValue(key, value),
          pending: pending === undefined ? undefined : typedValue(key, pending),
          delete: deletion === undefined ? undefined : deletion.startsWith('!') ? 2 : 1,
        };
      });
    },
  }),
  apiRoute({
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/config',
    params: { ...updateParams, background_delay: optional(int({ min: 1, max: 30 })) },
    handle: async ({ sim, user }, params) => {
      requireNode(sim, params.node);
      const update = prepare(sim, params);
      earlyChecks(sim, params.node, params.vmid, update);
      const task = startTask(sim, {
        node: params.node,
        type: TaskType.config,
        id: String(params.vmid),
        user,
        op: {
          kind: 'config',
          vmid: params.vmid,
          set: { ...update.change.set },
          delete: [...update.change.delete],
          force: update.change.force,
          summary: update.summary,
        },
      });
      const delay = params.background_delay;
      if (delay === undefined) return task.upid;
      // background_delay: wait that long for the worker; null when it finished in time.
      const finished = await Promise.race([whenFinished(sim, task), sim.timers.sleep(delay * 1000 * sim.scale)]);
      if (finished === undefined) return task.upid;
      if (task.exitstatus !== 'OK') throw pveDie(`failed to update VM ${params.vmid}: ${task.exitstatus ?? ''}`);
      return null;
    },
  }),
  apiRoute({
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/config',
    params: updateParams,
    handle: ({ sim }, params) => {
      requireNode(sim, params.node);
      const update = prepare(sim, params);
      earlyChecks(sim, params.node, params.vmid, update);
      try {
        updateConfig(sim, params.node, params.vmid, update.change, update.summary, () => undefined);
      } catch (error) {
        if (error instanceof TaskFailure) throw pveDie(error.message);
        throw error;
      }
      return null;
    },
  }),
];
