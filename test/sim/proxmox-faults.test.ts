// Fault injection: every fault is switched on for one test and cleared after it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Proxmox } from 'proxmox-api';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { cloneTemplate, dataOf, eventually, postForm, pveClient, rawRequest, startTestSim, waitForTask } from './proxmox-helpers.ts';

let sim: ProxmoxSim;
let api: Proxmox.Api;

beforeAll(async () => {
  sim = await startTestSim({
    // A small local-lvm so capacity limits are reached with two clones.
    storages: [
      { name: 'local-lvm', shared: false, capacityGiB: 25, content: ['images', 'rootdir'] },
      { name: 'ceph', shared: true, capacityGiB: 2048 },
    ],
    templates: [
      { vmid: 9000, name: 'talos-v1.11.5', node: 'pve1', storage: 'ceph', diskGiB: 10, tags: ['talos'] },
      { vmid: 9001, name: 'talos-local', node: 'pve1', storage: 'local-lvm', diskGiB: 10 },
    ],
  });
  api = pveClient(sim);
});
afterEach(() => {
  sim.faults.clear();
});
afterAll(async () => {
  await sim.stop();
});

describe('lock conflicts', () => {
  it('locks a VM for a number of requests, then lets changes through', async () => {
    await cloneTemplate(api, { newid: 200, name: 'locked' });
    sim.faults.lockVm(200, 'backup', { requests: 2 });
    for (let i = 0; i < 2; i++) {
      const refused = await postForm(sim, '/nodes/pve1/qemu/200/config', { cores: 2 });
      expect(refused).toMatchObject({ status: 500, reason: 'VM is locked (backup)' });
    }
    const accepted = await postForm(sim, '/nodes/pve1/qemu/200/config', { cores: 2 });
    expect(accepted.status).toBe(200);
  });

  it('shows an injected lock in config and status, and fails a start inside its task', async () => {
    sim.faults.lockVm(200, 'backup');
    expect(await api.nodes.$('pve1').qemu.$(200).config.$get()).toMatchObject({ lock: 'backup' });
    expect(await api.nodes.$('pve1').qemu.$(200).status.current.$get()).toMatchObject({ lock: 'backup' });
    const start = await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(200).status.start.$post());
    expect(start.status.exitstatus).toBe('VM is locked (backup)');
    expect(sim.vms().find((vm) => vm.vmid === 200)?.status).toBe('stopped');
    sim.faults.unlockVm(200);
    expect((await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(200).status.start.$post())).status.exitstatus).toBe('OK');
    expect((await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(200).status.stop.$post())).status.exitstatus).toBe('OK');
  });
});

describe('storage full', () => {
  it('fails a clone on a storage marked full and removes the half-made VM', async () => {
    sim.faults.fillStorage('ceph');
    const clone = await cloneTemplate(api, { newid: 201, name: 'nospace' });
    expect(clone.status.exitstatus).toBe("clone failed: rbd create 'vm-201-disk-0' error: rbd: create error: (28) No space left on device");
    expect(sim.vms().some((vm) => vm.vmid === 201)).toBe(false);
    sim.faults.freeStorage('ceph');
    expect((await cloneTemplate(api, { newid: 201, name: 'space' })).status.exitstatus).toBe('OK');
  });

  it('runs out of capacity on a local storage for clones and for growing disks', async () => {
    // 25 GiB: the 10 GiB base image plus one 10 GiB full clone fit, a second clone does not.
    expect((await cloneTemplate(api, { newid: 202, name: 'local-a', template: 9001 })).status.exitstatus).toBe('OK');
    const second = await cloneTemplate(api, { newid: 203, name: 'local-b', template: 9001 });
    expect(second.status.exitstatus).toMatch(
      /^clone failed: lvcreate 'pve\/vm-203-disk-0' error: {3}Volume group "pve" has insufficient free space \(\d+ extents\): 2560 required\.$/,
    );
    const grow = await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(202).resize.$put({ disk: 'scsi0', size: '+10G' }));
    expect(grow.status.exitstatus).toBe("command '/sbin/lvextend -L 20971520k pve/vm-202-disk-0' failed: exit code 5");
    const storage: unknown = await api.nodes.$('pve1').storage.$('local-lvm').status.$get();
    expect(storage).toMatchObject({ total: 25 * 2 ** 30, used: 20 * 2 ** 30, avail: 5 * 2 ** 30, type: 'lvmthin' });
  });
});

describe('failing tasks', () => {
  it('ends the next task of a type with TASK ERROR and leaves the VM as it was', async () => {
    sim.faults.failNextTask({ type: 'qmstart', message: 'start failed: QEMU exited with code 1' });
    const failed = await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(201).status.start.$post());
    expect(failed.status.exitstatus).toBe('start failed: QEMU exited with code 1');
    expect(failed.log.at(-1)).toBe('TASK ERROR: start failed: QEMU exited with code 1');
    expect(sim.vms().find((vm) => vm.vmid === 201)?.status).toBe('stopped');
    expect((await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(201).status.start.$post())).status.exitstatus).toBe('OK');
    expect((await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(201).status.stop.$post())).status.exitstatus).toBe('OK');
  });

  it('matches a clone by the id it creates and cleans up after it', async () => {
    sim.faults.failNextTask({ vmid: 204, message: "can't lock file '/var/lock/storage-ceph.lck' - got timeout" });
    const clone = await cloneTemplate(api, { newid: 204, name: 'unlucky' });
    expect(clone.status.exitstatus).toBe("can't lock file '/var/lock/storage-ceph.lck' - got timeout");
    expect(sim.vms().some((vm) => vm.vmid === 204)).toBe(false);
  });
});

describe('guest agent', () => {
  it('never answers for a chosen VM, then answers once the fault is lifted', async () => {
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(201).status.start.$post());
    sim.faults.agentNeverAnswers(201);
    const osinfo = () => api.nodes.$('pve1').qemu.$(201).agent['get-osinfo'].$get();
    // The boot delay is 10 ms here; 60 ms later a healthy agent would long have answered.
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expect(osinfo()).rejects.toThrow('500 QEMU guest agent is not running');
    sim.faults.agentAnswers(201);
    expect(await eventually(osinfo)).toMatchObject({ result: { id: 'talos' } });
    sim.faults.agentNeverAnswers('all');
    await expect(osinfo()).rejects.toThrow('500 QEMU guest agent is not running');
  });

  it('cannot shut down through a silent agent; forceStop kills the VM with a warning', async () => {
    sim.faults.agentNeverAnswers(201);
    const vm = api.nodes.$('pve1').qemu.$(201);
    const refused = await waitForTask(api, 'pve1', await vm.status.shutdown.$post());
    expect(refused.status.exitstatus).toBe('VM quit/powerdown failed');
    expect(sim.vms().find((v) => v.vmid === 201)?.status).toBe('running');
    const forced = await waitForTask(api, 'pve1', await vm.status.shutdown.$post({ forceStop: true }));
    expect(forced.status.exitstatus).toBe('WARNINGS: 1');
    expect(forced.log.slice(-2)).toEqual(['VM quit/powerdown failed - terminating now with SIGTERM', 'TASK WARNINGS: 1']);
    expect(sim.vms().find((v) => v.vmid === 201)?.status).toBe('stopped');
  });
});

describe('server errors and latency', () => {
  it('fails requests on chosen paths with a plausible 500 reason', async () => {
    sim.faults.set5xxRate(1, { paths: ['/version'] });
    const failed = await rawRequest(sim, 'GET', '/version');
    expect(failed.status).toBe(500);
    expect(['got timeout', 'cluster not ready - no quorum?']).toContain(failed.reason);
    expect((await rawRequest(sim, 'GET', '/nodes')).status).toBe(200);
    expect(sim.events.list({ type: 'fault.injected' }).at(-1)?.detail).toMatchObject({ fault: '5xx-fired', path: '/version' });
  });

  it('can lose the answer of a request that did happen', async () => {
    sim.faults.set5xxRate(1, { paths: [/\/clone$/], lostResponse: true });
    expect((await postForm(sim, '/nodes/pve1/qemu/9000/clone', { newid: 205, name: 'lost' })).status).toBe(500);
    sim.faults.set5xxRate(0);
    const retry = await postForm(sim, '/nodes/pve1/qemu/9000/clone', { newid: 205, name: 'lost' });
    expect(retry).toMatchObject({ status: 500, reason: 'unable to create VM 205: config file already exists' });
    await eventually(() => {
      expect(sim.vms().find((vm) => vm.vmid === 205)?.lock).toBeUndefined();
    });
  });

  it('draws the same failures from the same seed', async () => {
    const pattern = async (): Promise<number[]> => {
      const other = await startTestSim({ seed: 99 });
      try {
        other.faults.set5xxRate(0.5);
        const codes: number[] = [];
        for (let i = 0; i < 16; i++) codes.push((await rawRequest(other, 'GET', '/version')).status);
        return codes;
      } finally {
        await other.stop();
      }
    };
    const first = await pattern();
    expect(new Set(first)).toEqual(new Set([200, 500]));
    expect(await pattern()).toEqual(first);
  });

  it('adds latency to every request', async () => {
    sim.faults.setLatency(40);
    const started = Date.now();
    expect(dataOf(await rawRequest(sim, 'GET', '/version'))).toMatchObject({ version: '9.0.3' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(38);
  });
});
