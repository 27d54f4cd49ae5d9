// GET /cluster/resources?type=vm as Capstan's observation reads it: every VM of the cluster in one
// call, each with the fields and JSON types PVE gives (PVE::API2Tools::extract_vm_stats plus the
// config's lock and tags), read through the npm proxmox-api client; and a fresh smbios1 uuid on
// every clone, as qemu-server's clone_vm makes one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proxmox } from 'proxmox-api';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { cloneTemplate, eventually, pveClient, startTestSim, waitForTask } from './proxmox-helpers.ts';

let sim: ProxmoxSim;
let api: Proxmox.Api;
type Resource = Record<string, unknown>;
const vms = async (): Promise<Resource[]> => await api.cluster.resources.$get({ type: 'vm' });
const entry = async (vmid: number): Promise<Resource | undefined> => (await vms()).find((r) => r['vmid'] === vmid);
const done = async (node: string, upid: Promise<string>): Promise<void> => {
  expect((await waitForTask(api, node, await upid)).status.exitstatus).toBe('OK');
};
const gib = 2 ** 30;
const mib = 2 ** 20;

beforeAll(async () => {
  sim = await startTestSim();
  api = pveClient(sim);
  await cloneTemplate(api, { newid: 1000, name: 'capstan-cp-a1b2c' });
  await cloneTemplate(api, { newid: 101, name: 'capstan-md-0-d3e4f' });
  await done('pve1', api.nodes.$('pve1').qemu.$(101).config.$post({ tags: 'capstan;md-0', memory: '4096', cores: 4 }));
  await done('pve1', api.nodes.$('pve1').qemu.$(1000).config.$post({ delete: 'tags' }));
  await done('pve1', api.nodes.$('pve1').qemu.$(101).status.start.$post());
});
afterAll(async () => {
  await sim.stop();
});

describe('/cluster/resources?type=vm', () => {
  it('lists every VM in one call, in the order Perl sorts the vmids (as strings)', async () => {
    await eventually(async () => {
      expect((await entry(101))?.['status']).toBe('running');
    });
    expect((await vms()).map((r) => r['vmid'])).toEqual([1000, 101, 9000]);
  });

  it('carries id, vmid, name, node, status, type, template, sizes and uptime with PVE’s types; tags and lock only when set', async () => {
    expect(await entry(9000)).toMatchObject({
      id: 'qemu/9000',
      type: 'qemu',
      vmid: 9000,
      node: 'pve1',
      name: 'talos-v1.11.5',
      status: 'stopped',
      template: 1,
      tags: 'talos',
      maxcpu: 2,
      maxmem: 2048 * mib,
      maxdisk: 10 * gib,
      uptime: 0,
    });
    const running = await entry(101);
    expect(running).toMatchObject({
      id: 'qemu/101',
      name: 'capstan-md-0-d3e4f',
      status: 'running',
      template: 0,
      tags: 'capstan;md-0',
      maxcpu: 4,
      maxmem: 4096 * mib,
    });
    expect(running).not.toHaveProperty('lock');
    const untagged = await entry(1000);
    expect(untagged).toMatchObject({ name: 'capstan-cp-a1b2c', status: 'stopped', template: 0 });
    expect(untagged).not.toHaveProperty('tags');
    for (const resource of await vms()) {
      for (const key of [
        'vmid',
        'maxcpu',
        'maxmem',
        'maxdisk',
        'uptime',
        'mem',
        'disk',
        'netin',
        'netout',
        'diskread',
        'diskwrite',
        'template',
      ])
        expect(Number.isInteger(resource[key]), `${key} of ${String(resource['id'])}`).toBe(true);
      expect(typeof resource['cpu']).toBe('number');
      for (const key of ['id', 'name', 'node', 'status', 'type']) expect(typeof resource[key]).toBe('string');
    }
  });

  it('shows a lock while the VM holds one, and the node a VM migrated to at once', async () => {
    sim.faults.lockVm(1000, 'backup');
    try {
      expect((await entry(1000))?.['lock']).toBe('backup');
    } finally {
      sim.faults.unlockVm(1000);
    }
    expect(await entry(1000)).not.toHaveProperty('lock');
    await done('pve1', api.nodes.$('pve1').qemu.$(1000).migrate.$post({ target: 'pve2' }));
    expect(await entry(1000)).toMatchObject({ id: 'qemu/1000', node: 'pve2' });
  });

  it('gives every clone its own SMBIOS uuid (the providerID Capstan derives), never the template’s', async () => {
    const uuidOf = async (node: string, vmid: number) =>
      /^uuid=([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/.exec(
        String((await api.nodes.$(node).qemu.$(vmid).config.$get()).smbios1),
      )?.[1];
    const uuids = [await uuidOf('pve1', 9000), await uuidOf('pve2', 1000), await uuidOf('pve1', 101)];
    expect(uuids.every((u) => u !== undefined)).toBe(true);
    expect(new Set(uuids).size).toBe(3);
  });
});

describe('/cluster/status', () => {
  it("lists the quorate cluster and each node with PVE's field types, read through a third-party client", async () => {
    const status = (await api.cluster.status.$get()) as Resource[];
    expect(status[0]).toEqual({ id: 'cluster', name: 'simulated', type: 'cluster', nodes: 3, quorate: 1, version: 4 });
    expect(status.slice(1).map((n) => [n['id'], n['type'], n['nodeid'], n['online'], n['local']])).toEqual([
      ['node/pve1', 'node', 1, 1, 1],
      ['node/pve2', 'node', 2, 1, 0],
      ['node/pve3', 'node', 3, 1, 0],
    ]);
    expect(status.slice(1).every((n) => typeof n['ip'] === 'string' && typeof n['level'] === 'string')).toBe(true);
  });
});
