// A fresh cluster: nodes, storages, tokens and the template VMs.
import { randomMac } from '../config/net.ts';
import type { ResolvedOptions, SimTemplateOptions } from '../options.ts';
import { defaultToken } from '../options.ts';
import type { Random } from '../../common/random.ts';
import type { SimState, VmState } from './state.ts';

function templateVm(template: SimTemplateOptions, random: Random, now: number): VmState {
  const tags = [...new Set((template.tags ?? []).map((t) => t.toLowerCase()))].sort().join(';');
  const config: Record<string, string> = {
    name: template.name,
    template: '1',
    cores: String(template.cores ?? 2),
    sockets: '1',
    memory: String(template.memoryMiB ?? 2048),
    cpu: 'x86-64-v2-AES',
    ostype: 'l26',
    scsihw: 'virtio-scsi-single',
    scsi0: `${template.storage}:base-${template.vmid}-disk-0,iothread=1,size=${template.diskGiB}G`,
    net0: `virtio=${randomMac(random)},bridge=vmbr0,firewall=1`,
    boot: 'order=scsi0;net0',
    smbios1: `uuid=${random.uuid()}`,
    vmgenid: random.uuid(),
    meta: `creation-qemu=9.2.0,ctime=${Math.floor(now / 1000)}`,
  };
  if (template.agent ?? true) config['agent'] = '1';
  if (tags !== '') config['tags'] = tags;
  return { vmid: template.vmid, node: template.node, config, pending: {}, pendingDelete: [], status: 'stopped' };
}

/** The state of a cluster that has never run before. */
export function initialState(options: ResolvedOptions, random: Random): SimState {
  const now = Date.now();
  const vms: Record<string, VmState> = {};
  for (const template of options.templates) vms[String(template.vmid)] = templateVm(template, random, now);
  return {
    version: 1,
    tokens: options.tokens ?? [defaultToken(random.uuid())],
    nodes: options.nodes.map((n) => ({ ...n, bootedAt: now - 86_400_000 })),
    storages: options.storages.map((s) => ({ ...s, content: s.content ?? ['images'] })),
    vms,
    tasks: [],
    pidCounter: 10_000 + random.int(50_000),
  };
}
