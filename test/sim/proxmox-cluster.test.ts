// Several nodes in one cluster: migration, clone targets, node memory, the lagging
// /cluster/resources view, and the hooks the Talos simulator will listen to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proxmox } from 'proxmox-api';
import type { ProxmoxSim, SimVmInfo } from '../../sim/proxmox/index.ts';
import { cloneTemplate, dataOf, eventually, postForm, pveClient, rawRequest, startTestSim, waitForTask } from './proxmox-helpers.ts';

let sim: ProxmoxSim;
let api: Proxmox.Api;

interface Resource {
  vmid?: number;
  node: string;
  status: string;
  name?: string;
  template?: number;
}

const resources = async (): Promise<Resource[]> => (await api.cluster.resources.$get({ type: 'vm' })) as Resource[];

beforeAll(async () => {
  sim = await startTestSim({
    templates: [
      { vmid: 9000, name: 'talos-v1.11.5', node: 'pve1', storage: 'ceph', diskGiB: 10, tags: ['talos'] },
      { vmid: 9001, name: 'talos-local', node: 'pve1', storage: 'local-lvm', diskGiB: 10 },
    ],
  });
  api = pveClient(sim);
});
afterAll(async () => {
  await sim.stop();
});

describe('a VM on another node', () => {
  it('is reported at its new node after a migration and "does not exist" at the old path', async () => {
    await cloneTemplate(api, { newid: 300, name: 'wanderer' });
    sim.migrate(300, 'pve2');
    expect((await resources()).find((r) => r.vmid === 300)).toMatchObject({ node: 'pve2' });
    await expect(api.nodes.$('pve1').qemu.$(300).config.$get()).rejects.toThrow(
      "500 Configuration file 'nodes/pve1/qemu-server/300.conf' does not exist",
    );
    expect(await api.nodes.$('pve2').qemu.$(300).config.$get()).toMatchObject({ name: 'wanderer' });
    expect((await api.nodes.$('pve2').qemu.$get()).map((vm) => vm.vmid)).toContain(300);
    expect(sim.events.list({ type: 'vm.migrated', vmid: 300 })[0]?.detail).toMatchObject({ from: 'pve1', to: 'pve2' });
  });

  it('migrates through the API in a qmigrate task, refusing a running VM without --online', async () => {
    const task = await waitForTask(api, 'pve2', await api.nodes.$('pve2').qemu.$(300).migrate.$post({ target: 'pve3' }));
    expect(task.status).toMatchObject({ exitstatus: 'OK', type: 'qmigrate' });
    expect(sim.vms().find((vm) => vm.vmid === 300)?.node).toBe('pve3');
    await waitForTask(api, 'pve3', await api.nodes.$('pve3').qemu.$(300).status.start.$post());
    const refused = await postForm(sim, '/nodes/pve3/qemu/300/migrate', { target: 'pve1' });
    expect(refused).toMatchObject({ status: 500, reason: "can't migrate running VM without --online" });
    await waitForTask(api, 'pve3', await api.nodes.$('pve3').qemu.$(300).status.stop.$post());
  });
});

describe('clone targets', () => {
  it('clones from shared storage to another node', async () => {
    const clone = await cloneTemplate(api, { newid: 301, name: 'remote', target: 'pve2' });
    expect(clone.status.exitstatus).toBe('OK');
    expect(sim.vms().find((vm) => vm.vmid === 301)).toMatchObject({ node: 'pve2', name: 'remote' });
  });

  it('refuses a target for a template on local storage', async () => {
    const refused = await postForm(sim, '/nodes/pve1/qemu/9001/clone', { newid: 302, target: 'pve2' });
    expect(refused).toMatchObject({ status: 500, reason: "can't clone VM to node 'pve2' (VM uses local storage)" });
    const linkedWithStorage = await postForm(sim, '/nodes/pve1/qemu/9001/clone', { newid: 302, full: 0, storage: 'ceph' });
    expect(linkedWithStorage.reason).toBe("parameter 'storage' not allowed for linked clones");
  });

  it('refuses an id taken on the same node at once, and fails the task for one taken elsewhere', async () => {
    const wrongSource = await postForm(sim, '/nodes/pve2/qemu/9000/clone', { newid: 310 });
    expect(wrongSource).toMatchObject({ status: 500, reason: "unable to find configuration file for VM 9000 on node 'pve2'" });
    const sameNode = await postForm(sim, '/nodes/pve1/qemu/9000/clone', { newid: 9001 });
    expect(sameNode).toMatchObject({ status: 500, reason: 'unable to create VM 9001: config file already exists' });

    const elsewhere = await postForm(sim, '/nodes/pve1/qemu/9000/clone', { newid: 301, name: 'clash' });
    expect(elsewhere.status).toBe(200);
    const task = await waitForTask(api, 'pve1', dataOf(elsewhere) as string);
    expect(task.status.exitstatus).toBe("close (rename) atomic file '/etc/pve/nodes/pve1/qemu-server/301.conf' failed: File exists");
    expect(sim.vms().find((vm) => vm.vmid === 301)).toMatchObject({ node: 'pve2', name: 'remote' });
  });

  it('makes a linked clone of a template when `full` is not given', async () => {
    const task = await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(9000).clone.$post({ newid: 303, name: 'linked' }));
    expect(task.log[0]).toBe('create linked clone of drive scsi0 (ceph:base-9000-disk-0)');
    expect((await api.nodes.$('pve1').qemu.$(303).config.$get()).scsi0).toBe('ceph:base-9000-disk-0/vm-303-disk-0,iothread=1,size=10G');
  });

  it("names the storages a clone writes to in its task.started event: `storage` when given, else the disks' own", async () => {
    await waitForTask(
      api,
      'pve1',
      await api.nodes.$('pve1').qemu.$(9000).clone.$post({ newid: 320, name: 'onto-local', full: true, storage: 'local-lvm' }),
    );
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(9001).clone.$post({ newid: 321, name: 'from-local', full: true }));
    const started = (newid: number) =>
      sim.events.list({ type: 'task.started' }).find((e) => e.taskType === 'qmclone' && e.detail?.['newid'] === newid)?.detail;
    expect(started(320)).toEqual({ newid: 320, storages: ['local-lvm'] });
    expect(started(321)).toEqual({ newid: 321, storages: ['local-lvm'] });
    expect(started(303)).toEqual({ newid: 303, storages: ['ceph'] });
  });
});

describe('cluster views', () => {
  it('counts the memory of running VMs against their node', async () => {
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(303).config.$post({ memory: '4096' }));
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(303).status.start.$post());
    const pve1 = (await api.nodes.$('pve1').status.$get()) as { memory: { total: number; used: number; free: number } };
    expect(pve1.memory).toMatchObject({ total: 64 * 2 ** 30, used: 4096 * 2 ** 20, free: 64 * 2 ** 30 - 4096 * 2 ** 20 });
    const pve2 = (await api.nodes.$('pve2').status.$get()) as { memory: { used: number } };
    expect(pve2.memory.used).toBe(0);
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(303).status.stop.$post());
  });

  it('lists a new VM in /cluster/resources at once, but its stats only after the lag', async () => {
    // Stats lag 200 ms and the clone holds its lock for 100 ms: both outlast the first read.
    sim.setTiming({ resourcesLag: 100_000, clone: 50_000 });
    try {
      const upid = await api.nodes.$('pve1').qemu.$(9000).clone.$post({ newid: 304, name: 'fresh' });
      const early = (await resources()).find((r) => r.vmid === 304);
      // extract_vm_stats: without an RRD sample only id, vmid, node, type and status 'unknown' (plus the config's lock).
      expect(early).toEqual({ id: 'qemu/304', type: 'qemu', vmid: 304, node: 'pve1', lock: 'clone', status: 'unknown' });
      await waitForTask(api, 'pve1', upid);
      await eventually(async () => {
        expect((await resources()).find((r) => r.vmid === 304)).toMatchObject({ name: 'fresh', status: 'stopped' });
      });
      expect((await resources()).find((r) => r.vmid === 9000)).toMatchObject({ template: 1, name: 'talos-v1.11.5' });
    } finally {
      sim.setTiming({ resourcesLag: 2000, clone: 8000 });
    }
  });
});

describe('hooks', () => {
  it('tell the Talos simulator about starts, stops and destroys with the 127.x address', async () => {
    const seen: [string, SimVmInfo][] = [];
    const offs = (['vm-started', 'vm-stopped', 'vm-destroyed'] as const).map((event) => sim.on(event, (vm) => seen.push([event, vm])));
    try {
      await cloneTemplate(api, { newid: 305, name: 'talos-cp-1' });
      await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(305).config.$post({ ipconfig0: 'ip=127.0.20.5/24,gw=127.0.20.1' }));
      for (const action of ['start', 'stop'] as const) {
        await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(305).status[action].$post());
      }
      await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(305).$delete({ purge: true }));
      expect(seen.map(([event]) => event)).toEqual(['vm-started', 'vm-stopped', 'vm-destroyed']);
      for (const [, vm] of seen) {
        expect(vm).toMatchObject({ vmid: 305, node: 'pve1', name: 'talos-cp-1', address: '127.0.20.5' });
        expect(vm.config['ipconfig0']).toBe('ip=127.0.20.5/24,gw=127.0.20.1');
      }
      expect(seen[0]?.[1].status).toBe('running');
    } finally {
      for (const off of offs) off();
    }
  });

  it('warn instead of serving an address outside 127.0.0.0/8', async () => {
    const started: SimVmInfo[] = [];
    const off = sim.on('vm-started', (vm) => started.push(vm));
    try {
      await cloneTemplate(api, { newid: 306, name: 'lan' });
      await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(306).config.$post({ ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1' }));
      await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(306).status.start.$post());
      expect(started).toEqual([expect.objectContaining({ vmid: 306, address: null, declaredAddress: '10.0.0.5' })]);
      const warning = sim.events.list({ type: 'sim.warning', vmid: 306 })[0];
      expect(warning?.detail?.['message']).toMatch(/10\.0\.0\.5 outside 127\.0\.0\.0\/8/);
      // PVE itself does not care: the agent still reports the configured address.
      const raw = await rawRequest(sim, 'GET', '/nodes/pve1/qemu/306/status/current');
      expect((dataOf(raw) as { status: string }).status).toBe('running');
    } finally {
      off();
    }
  });
});
