// The contract: the npm `proxmox-api` client drives one VM through its whole life on the
// simulator, and every answer has the shape and wording real PVE gives
// (../shared/reference/proxmox-ve-api.md §3–§6). Steps share the VM and run in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proxmox } from 'proxmox-api';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { eventually, pveClient, startTestSim, waitForTask } from './proxmox-helpers.ts';

let sim: ProxmoxSim;
let api: Proxmox.Api;
let vmid: number;
const node = 'pve1';
const qemu = () => api.nodes.$(node).qemu.$(vmid);

beforeAll(async () => {
  // The guest agent answers 500 ms after start: long enough to observe "not running" first, even
  // when the first request pays for a TLS handshake on a busy machine.
  sim = await startTestSim({ timing: { bootUntilAgent: 250_000 } });
  api = pveClient(sim);
});
afterAll(async () => {
  await sim.stop();
});

describe('a VM lifecycle through proxmox-api', () => {
  it('reports version and nodes', async () => {
    expect(await api.version.$get()).toEqual({ version: '9.0.3', release: '9.0', repoid: expect.stringMatching(/^[0-9a-f]+$/) as unknown });
    const nodes = await api.nodes.$get();
    expect(nodes.map((n) => n.node).sort()).toEqual(['pve1', 'pve2', 'pve3']);
    expect(nodes[0]).toMatchObject({ status: 'online', maxmem: 64 * 2 ** 30, maxcpu: 16, type: 'node' });
  });

  it('hands out the next free id as a string and refuses a taken one', async () => {
    const next = (await api.cluster.nextid.$get()) as unknown;
    expect(next).toBe('100');
    vmid = Number(next);
    await expect(api.cluster.nextid.$get({ vmid: 9000 })).rejects.toThrow(
      /400 Parameter verification failed\.: \{"data":null,"errors":\{"vmid":"VM 9000 already exists"\}/,
    );
  });

  it('clones the template: lock-only config first, then a named VM and TASK OK', async () => {
    // 200 ms: the copy step starts after 60 ms, ample time to read the lock-only config on a busy machine.
    sim.setTiming({ clone: 100_000 });
    const upid = await api.nodes.$(node).qemu.$(9000).clone.$post({ newid: vmid, name: 'capstan-cp-1', full: true });
    sim.setTiming({ clone: 8000 });
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:capstan@pve!capstan:$/);
    const during = await qemu().config.$get();
    expect(during).toEqual({ lock: 'clone', digest: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown });

    const task = await waitForTask(api, node, upid);
    expect(task.status).toMatchObject({ status: 'stopped', exitstatus: 'OK', type: 'qmclone', user: 'capstan@pve', tokenid: 'capstan' });
    expect(task.log.at(-1)).toBe('TASK OK');
    expect(task.log[0]).toBe('create full clone of drive scsi0 (ceph:base-9000-disk-0)');

    const template = await api.nodes.$(node).qemu.$(9000).config.$get();
    const config = await qemu().config.$get();
    expect(config).toMatchObject({
      name: 'capstan-cp-1',
      cores: 2,
      memory: '2048',
      tags: 'talos',
      scsi0: `ceph:vm-${vmid}-disk-0,iothread=1,size=10G`,
    });
    expect(config).not.toHaveProperty('lock');
    expect(config).not.toHaveProperty('template');
    expect(config.net0).toMatch(/^virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0,firewall=1$/);
    expect(config.net0).not.toBe(template.net0);
    expect(config.smbios1).not.toBe(template.smbios1);
  });

  it('applies a config change in a qmconfig task: typed values, normalized tags, generated MAC', async () => {
    const before = await qemu().config.$get();
    const upid = await qemu().config.$post({
      cores: 4,
      memory: '4096',
      ipconfig0: 'ip=127.0.10.5/24,gw=127.0.10.1',
      tags: 'capstan;Talos;capstan',
      net0: 'virtio,bridge=vmbr0',
      description: 'control plane 1',
    });
    expect(upid).toMatch(/:qmconfig:\d+:capstan@pve!capstan:$/);
    const task = await waitForTask(api, node, upid);
    expect(task.status.exitstatus).toBe('OK');
    expect(task.log[0]).toMatch(
      /^update VM \d+: -cores 4 -description control plane 1 -ipconfig0 ip=127\.0\.10\.5\/24,gw=127\.0\.10\.1 -memory 4096 -net0 virtio,bridge=vmbr0 -tags/,
    );

    const config = await qemu().config.$get();
    expect(config).toMatchObject({ cores: 4, memory: '4096', tags: 'capstan;talos', ipconfig0: 'ip=127.0.10.5/24,gw=127.0.10.1' });
    expect(config.net0).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0$/);
    expect(config.digest).not.toBe(before.digest);
  });

  it('grows the disk with +size and refuses to shrink it inside the task', async () => {
    const grow = await waitForTask(api, node, await qemu().resize.$put({ disk: 'scsi0', size: '+10G' }));
    expect(grow.status.exitstatus).toBe('OK');
    expect((await qemu().config.$get()).scsi0).toBe(`ceph:vm-${vmid}-disk-0,iothread=1,size=20G`);

    const shrink = await waitForTask(api, node, await qemu().resize.$put({ disk: 'scsi0', size: '15G' }));
    expect(shrink.status).toMatchObject({ status: 'stopped', exitstatus: 'shrinking disks is not supported' });
    expect(shrink.log.at(-1)).toBe('TASK ERROR: shrinking disks is not supported');
  });

  it('answers the guest agent with "not running" while the VM is stopped', async () => {
    await expect(qemu().agent['network-get-interfaces'].$get()).rejects.toThrow(`500 VM ${vmid} is not running`);
  });

  it('starts the VM, and a second start fails inside its task', async () => {
    const start = await waitForTask(api, node, await qemu().status.start.$post());
    expect(start.status).toMatchObject({ exitstatus: 'OK', type: 'qmstart' });
    const status = await qemu().status.current.$get();
    expect(status).toMatchObject({
      vmid,
      name: 'capstan-cp-1',
      status: 'running',
      qmpstatus: 'running',
      cpus: 4,
      maxmem: 4096 * 2 ** 20,
      agent: 1,
    });
    expect(status.pid).toBeGreaterThan(0);

    const again = await waitForTask(api, node, await qemu().status.start.$post());
    expect(again.status.exitstatus).toBe(`VM ${vmid} already running`);
    expect(again.log.at(-1)).toBe(`TASK ERROR: VM ${vmid} already running`);

    // CAPMOX resumes instead of starting a paused VM; on a running one qmresume has nothing to do.
    const resume = await waitForTask(api, node, await qemu().status.resume.$post());
    expect(resume.status).toMatchObject({ exitstatus: 'OK', type: 'qmresume' });
    await expect(qemu().status.resume.$post({ nocheck: true })).rejects.toThrow('400 Parameter verification failed.');
  });

  it('reports the agent as not running until the guest has booted, then the ipconfig0 address', async () => {
    await expect(qemu().agent['network-get-interfaces'].$get()).rejects.toThrow('500 QEMU guest agent is not running');
    const answer: unknown = await eventually(() => qemu().agent['network-get-interfaces'].$get());
    const interfaces = (
      answer as { result: { name: string; 'hardware-address': string; 'ip-addresses': { 'ip-address': string; prefix: number }[] }[] }
    ).result;
    expect(interfaces.map((i) => i.name)).toEqual(['lo', 'eth0']);
    const eth0 = interfaces[1];
    const config = await qemu().config.$get();
    expect(eth0?.['hardware-address']).toBe(/^virtio=([0-9A-F:]+)/.exec(config.net0 ?? '')?.[1]?.toLowerCase());
    expect(eth0?.['ip-addresses'][0]).toEqual({ 'ip-address': '127.0.10.5', 'ip-address-type': 'ipv4', prefix: 24 });
  });

  it('shuts down and stops idempotently; reboot or resume of a stopped VM is refused before any task', async () => {
    const shutdown = await waitForTask(api, node, await qemu().status.shutdown.$post({ timeout: 60 }));
    expect(shutdown.status).toMatchObject({ exitstatus: 'OK', type: 'qmshutdown' });
    expect(await qemu().status.current.$get()).toMatchObject({ status: 'stopped', qmpstatus: 'stopped', uptime: 0 });

    const stop = await waitForTask(api, node, await qemu().status.stop.$post());
    expect(stop.status).toMatchObject({ exitstatus: 'OK', type: 'qmstop' });
    await expect(qemu().status.reboot.$post()).rejects.toThrow(`500 VM ${vmid} not running`);
    await expect(qemu().status.resume.$post()).rejects.toThrow(`500 VM ${vmid} not running`);
  });

  it('destroys the VM with purge, after which it "does not exist" and its id is free', async () => {
    const upid = await qemu().$delete({ purge: true, 'destroy-unreferenced-disks': true });
    const destroy = await waitForTask(api, node, upid);
    expect(destroy.status).toMatchObject({ exitstatus: 'OK', type: 'qmdestroy' });
    expect(destroy.log).toContain(`purging VM ${vmid} from related configurations..`);

    const gone = `500 Configuration file 'nodes/pve1/qemu-server/${vmid}.conf' does not exist`;
    await expect(qemu().config.$get()).rejects.toThrow(gone);
    await expect(qemu().$delete({ purge: true })).rejects.toThrow(gone);
    expect(await api.cluster.nextid.$get({ vmid })).toBe(String(vmid));
    expect(sim.vms().map((vm) => vm.vmid)).toEqual([9000]);
  });
});
