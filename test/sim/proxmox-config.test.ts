// Config semantics of update_vm: pending values on a running VM, digests, deletes, new
// disks and the synchronous refusals (reference §6 "Config").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proxmox } from 'proxmox-api';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { cloneTemplate, dataOf, postForm, pveClient, rawRequest, startTestSim, waitForTask } from './proxmox-helpers.ts';

let sim: ProxmoxSim;
let api: Proxmox.Api;
const vm = () => api.nodes.$('pve1').qemu.$(400);

beforeAll(async () => {
  sim = await startTestSim();
  api = pveClient(sim);
  await cloneTemplate(api, { newid: 400, name: 'config-subject' });
});
afterAll(async () => {
  await sim.stop();
});

describe('config updates', () => {
  it('keeps non-hotpluggable changes of a running VM pending until the next start', async () => {
    await waitForTask(api, 'pve1', await vm().status.start.$post());
    await waitForTask(api, 'pve1', await vm().config.$post({ cores: 6, description: 'hot' }));
    expect(await vm().config.$get()).toMatchObject({ cores: 6, description: 'hot' });
    expect(await vm().config.$get({ current: true })).toMatchObject({ cores: 2, description: 'hot' });
    expect(await vm().pending.$get()).toContainEqual({ key: 'cores', value: 2, pending: 6 });
    expect(await vm().status.current.$get()).toMatchObject({ cpus: 2 });

    await waitForTask(api, 'pve1', await vm().status.stop.$post());
    await waitForTask(api, 'pve1', await vm().status.start.$post());
    expect(await vm().config.$get({ current: true })).toMatchObject({ cores: 6 });
    expect(await vm().status.current.$get()).toMatchObject({ cpus: 6 });
    await waitForTask(api, 'pve1', await vm().status.stop.$post());
  });

  it('refuses a stale digest, an empty update and a locked VM before any task', async () => {
    const { digest } = await vm().config.$get();
    await waitForTask(api, 'pve1', await vm().config.$post({ description: 'moved on' }));
    const stale = await postForm(sim, '/nodes/pve1/qemu/400/config', { description: 'late', digest });
    expect(stale).toMatchObject({ status: 500, reason: 'checksum mismatch (file change by other user?)' });
    expect((await postForm(sim, '/nodes/pve1/qemu/400/config', {})).reason).toBe('no options specified');
    sim.faults.lockVm(400, 'snapshot');
    try {
      expect((await postForm(sim, '/nodes/pve1/qemu/400/config', { cores: 1 })).reason).toBe('VM is locked (snapshot)');
      const resize = await waitForTask(api, 'pve1', await vm().resize.$put({ disk: 'scsi0', size: '+1G' }));
      expect(resize.status.exitstatus).toBe('VM is locked (snapshot)');
    } finally {
      sim.faults.unlockVm(400);
    }
  });

  it('allocates a new disk from <storage>:<GiB> and keeps a detached one as unused', async () => {
    await waitForTask(api, 'pve1', await vm().config.$post({ scsi1: 'ceph:5,iothread=1' }));
    expect((await vm().config.$get()).scsi1).toBe('ceph:vm-400-disk-1,iothread=1,size=5G');
    await waitForTask(api, 'pve1', await vm().config.$post({ delete: 'scsi1' }));
    const config = await vm().config.$get();
    expect(config).not.toHaveProperty('scsi1');
    expect(config.unused0).toBe('ceph:vm-400-disk-1,iothread=1,size=5G');
    const unknown = await postForm(sim, '/nodes/pve1/qemu/400/config', { delete: 'bogus' });
    expect((unknown.json as { errors: object }).errors).toEqual({ delete: "unknown option 'bogus'" });
  });

  it('waits for the worker with background_delay and answers null when it finished', async () => {
    const answer = await postForm(sim, '/nodes/pve1/qemu/400/config', { onboot: 1, background_delay: 5 });
    expect(answer.status).toBe(200);
    expect(dataOf(answer)).toBeNull();
    expect(dataOf(await rawRequest(sim, 'GET', '/nodes/pve1/qemu/400/config'))).toMatchObject({ onboot: 1 });
  });

  it('updates synchronously with PUT and refuses invalid values with PVE messages', async () => {
    expect(await vm().config.$put({ name: 'renamed', balloon: 1024 })).toBeNull();
    expect(await vm().config.$get()).toMatchObject({ name: 'renamed', balloon: 1024 });
    const invalid = await postForm(
      sim,
      '/nodes/pve1/qemu/400/config',
      { name: 'not_a_dns_name', cores: 0, net1: 'e1001,bridge=vmbr0' },
      'PUT',
    );
    expect((invalid.json as { errors: object }).errors).toEqual({
      name: 'invalid format - value does not look like a valid DNS name',
      cores: 'value must have a minimum value of 1',
      net1: expect.stringMatching(
        /^invalid format - format error\nmodel: value 'e1001' does not have a value in the enumeration/,
      ) as unknown,
    });
    const balloon = await postForm(sim, '/nodes/pve1/qemu/400/config', { balloon: 999_999 }, 'PUT');
    expect(balloon.reason).toBe('balloon value too large (must be smaller than assigned memory)');
  });
});
