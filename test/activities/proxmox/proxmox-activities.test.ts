import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import type { MachineVmSpecInput, VmRef } from '../../../api/proxmox.ts';
import { createProxmoxActivities } from '../../../activities/proxmox/proxmox-activities.ts';
import { ProxmoxClient } from '../../../activities/proxmox/proxmox-client.ts';
import { oneProxmoxClient } from '../../../activities/proxmox/proxmox-clients.ts';
import { clusterTag } from '../../../activities/proxmox/vm-identity.ts';
import { defaultTiming, startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';

let sim: ProxmoxSim;
let activities: ReturnType<typeof createProxmoxActivities>;

beforeAll(async () => {
  sim = await startProxmoxSim({ scale: 0.002, seed: 7 });
  activities = createProxmoxActivities({
    clients: oneProxmoxClient(
      new ProxmoxClient({ baseUrl: sim.url, tokenId: sim.token.id, tokenSecret: sim.token.secret, caPem: sim.caPem }),
    ),
  });
});
afterAll(async () => {
  await sim.stop();
});
afterEach(() => {
  sim.faults.clear();
});

let counter = 0;
function machine(overrides: Partial<MachineVmSpecInput> = {}): MachineVmSpecInput {
  counter += 1;
  return {
    cluster: 'default/alpha',
    machine: `alpha-md-${counter}`,
    templateVmid: 9000,
    allowedNodes: ['pve1', 'pve2', 'pve3'],
    cores: 2,
    memoryMiB: 2048,
    diskGiB: 20,
    address: { ip: `127.0.60.${counter + 10}`, prefix: 24, gateway: '127.0.60.1', dns: ['127.0.0.53'] },
    ...overrides,
  };
}

// Expected failures would otherwise log as activity warnings.
const activityEnv = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

/** Runs an activity the way a worker would: with a context that records heartbeats. */
async function run<A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return activityEnv().run(activity, ...args);
}

async function create(spec: MachineVmSpecInput): Promise<VmRef> {
  const node = await run(activities.proxmoxChooseNode, spec);
  const ref = await run(activities.proxmoxEnsureVm, spec, node);
  return run(activities.proxmoxConfigureVm, spec, ref);
}

const vmsNamed = (name: string) => sim.vms().filter((vm) => vm.name === name);

describe('Proxmox activities against the simulator', () => {
  it('tags a fresh clone for its cluster at once and returns its providerID from smbios1, the same on a retry', async () => {
    const spec = machine();
    const node = await run(activities.proxmoxChooseNode, spec);
    const ensured = await run(activities.proxmoxEnsureVm, spec, node);
    const [vm] = vmsNamed(spec.machine);
    const uuid = /uuid=([0-9a-f-]+)/.exec(String(vm?.config['smbios1']))?.[1];
    expect(ensured.providerID).toBe(`proxmox://${uuid}`);
    expect(vm?.tags).toEqual(expect.arrayContaining(['capstan', clusterTag('default/alpha')]));
    expect(await run(activities.proxmoxEnsureVm, spec, node)).toEqual(ensured);
    await run(activities.proxmoxDestroyVm, spec, ensured);
  });

  it('creates, configures, starts, reads the address of and destroys a machine', async () => {
    const spec = machine();
    const ref = await create(spec);
    const [vm] = vmsNamed(spec.machine);
    expect(vm).toMatchObject({ vmid: ref.vmid, node: ref.node });
    expect(vm?.config).toMatchObject({ cores: 2, ipconfig0: `ip=${spec.address.ip}/24,gw=127.0.60.1` });
    expect(vm?.tags).toContain('capstan');

    await run(activities.proxmoxStartVm, spec, ref);
    await run(activities.proxmoxStartVm, spec, ref); // idempotent
    expect(await run(activities.proxmoxWaitForAddress, spec, ref)).toBe(spec.address.ip);

    expect(await run(activities.proxmoxDestroyVm, spec, ref)).toEqual({ destroyed: true, reason: 'destroyed' });
    expect(vmsNamed(spec.machine)).toEqual([]);
    expect(await run(activities.proxmoxDestroyVm, spec, ref)).toEqual({ destroyed: false, reason: 'already-gone' });
    expect(await run(activities.proxmoxDestroyVm, spec, undefined)).toEqual({ destroyed: false, reason: 'already-gone' });
  });

  it('makes one VM from two concurrent ensures of the same machine', async () => {
    const spec = machine();
    const node = await run(activities.proxmoxChooseNode, spec);
    const attempt = async (): Promise<VmRef> => {
      // A retry policy would re-run the loser; do the same here.
      for (;;) {
        try {
          return await run(activities.proxmoxEnsureVm, spec, node);
        } catch (error) {
          if ((error as { type?: string }).type !== ErrorType.ProxmoxLocked) throw error;
        }
      }
    };
    const [a, b] = await Promise.all([attempt(), attempt()]);
    expect(a).toEqual(b);
    expect(vmsNamed(spec.machine)).toHaveLength(1);
    await run(activities.proxmoxDestroyVm, spec, a);
  });

  it('after a failed clone, a delete never touches the VM that later got the same VMID', async () => {
    // A one-VMID range makes both machines want the same VMID (CAPMOX #856).
    const range = { start: 4242, end: 4242 };
    const failed = machine({ vmIdRange: range });
    sim.faults.failNextTask({ type: 'qmclone', message: "can't lock file '/var/lock/storage-ceph.lck' - got timeout" });
    await expect(create(failed)).rejects.toMatchObject({ type: ErrorType.ProxmoxLocked });
    const other = machine({ vmIdRange: range });
    const otherRef = await create(other);
    expect(otherRef.vmid).toBe(4242);

    const staleRef = { vmid: 4242, node: otherRef.node };
    expect(await run(activities.proxmoxDestroyVm, failed, staleRef)).toEqual({ destroyed: false, reason: 'vmid-reused-by-another-vm' });
    await expect(run(activities.proxmoxConfigureVm, failed, staleRef)).rejects.toMatchObject({
      type: ErrorType.ProxmoxVmNotOwned,
      nonRetryable: true,
    });
    expect(vmsNamed(other.machine)).toHaveLength(1);
    await run(activities.proxmoxDestroyVm, other, otherRef);
  });

  it('finds and destroys a VM that was migrated to another node', async () => {
    const spec = machine({ allowedNodes: ['pve1'] });
    const ref = await create(spec);
    sim.migrate(ref.vmid, 'pve2');
    expect(await run(activities.proxmoxDestroyVm, spec, ref)).toEqual({ destroyed: true, reason: 'destroyed' });
    expect(vmsNamed(spec.machine)).toEqual([]);
  });

  it('refuses a missing template, an impossible memory size and an invalid spec for good', async () => {
    await expect(create(machine({ templateVmid: 777 }))).rejects.toMatchObject({
      type: ErrorType.ProxmoxTemplateNotFound,
      nonRetryable: true,
    });
    await expect(run(activities.proxmoxChooseNode, machine({ memoryMiB: 10_000_000 }))).rejects.toMatchObject({
      type: ErrorType.ProxmoxNoCapacity,
      nonRetryable: false,
    });
    await expect(run(activities.proxmoxChooseNode, machine({ machine: 'Not_A_Label' }))).rejects.toMatchObject({
      type: ErrorType.ProxmoxInvalidRequest,
      message: expect.stringContaining('machine: must be a DNS label') as unknown,
    });
  });

  it('refuses a wrong token as a permanent permission failure', async () => {
    const wrong = createProxmoxActivities({
      clients: oneProxmoxClient(
        new ProxmoxClient({ baseUrl: sim.url, tokenId: sim.token.id, tokenSecret: 'not-the-secret', caPem: sim.caPem }),
      ),
    });
    await expect(run(wrong.proxmoxChooseNode, machine())).rejects.toMatchObject({
      type: ErrorType.ProxmoxPermissionDenied,
      nonRetryable: true,
    });
  });

  it('reports locks, full storage and server errors as retryable', async () => {
    const spec = machine();
    const ref = await create(spec);
    sim.faults.lockVm(ref.vmid, 'backup');
    await expect(run(activities.proxmoxStartVm, spec, ref)).rejects.toMatchObject({ type: ErrorType.ProxmoxLocked, nonRetryable: false });
    sim.faults.unlockVm(ref.vmid);

    sim.faults.fillStorage('ceph');
    await expect(create(machine())).rejects.toMatchObject({ type: ErrorType.ProxmoxStorageFull, nonRetryable: false });
    sim.faults.freeStorage('ceph');

    sim.faults.set5xxRate(1);
    await expect(run(activities.proxmoxChooseNode, spec)).rejects.toMatchObject({
      type: ErrorType.ProxmoxUnavailable,
      nonRetryable: false,
    });
    sim.faults.set5xxRate(0);
    await run(activities.proxmoxDestroyVm, spec, ref);
  });

  it('keeps waiting, heartbeating, for a guest agent that never answers until cancelled', async () => {
    const spec = machine();
    const ref = await create(spec);
    await run(activities.proxmoxStartVm, spec, ref);
    sim.faults.agentNeverAnswers(ref.vmid);
    const env = activityEnv();
    let beats = 0;
    env.on('heartbeat', () => {
      beats += 1;
      if (beats === 3) env.cancel();
    });
    await expect(env.run(activities.proxmoxWaitForAddress, spec, ref)).rejects.toMatchObject({ name: 'CancelledFailure' });
    expect(beats).toBeGreaterThanOrEqual(3);
    await run(activities.proxmoxDestroyVm, spec, ref);
  });

  it('never runs more clones at once on one storage than allowed', async () => {
    const limited = createProxmoxActivities({
      clients: oneProxmoxClient(
        new ProxmoxClient({ baseUrl: sim.url, tokenId: sim.token.id, tokenSecret: sim.token.secret, caPem: sim.caPem }),
      ),
      clonesPerStorage: 2,
    });
    const specs = [machine(), machine(), machine(), machine(), machine()];
    // Clones long enough (0.5 s) that the third one is sure to be asked for while two still run,
    // whatever the TLS handshakes and a busy machine cost the requests before them.
    sim.setTiming({ clone: 250_000 });
    let running = 0;
    let peak = 0;
    const unsubscribe = sim.events.subscribe((event) => {
      if (event.type === 'task.started' && event.taskType === 'qmclone') peak = Math.max(peak, ++running);
      if (event.type === 'task.finished' && event.taskType === 'qmclone') running -= 1;
    });
    try {
      const refs = await Promise.all(specs.map((spec) => run(limited.proxmoxEnsureVm, spec, 'pve1')));
      expect(new Set(refs.map((r) => r.vmid)).size).toBe(specs.length);
      expect(peak).toBe(2);
      await Promise.all(specs.map((spec, i) => run(limited.proxmoxDestroyVm, spec, refs[i])));
    } finally {
      unsubscribe();
      sim.setTiming({ clone: defaultTiming.clone });
    }
  });
});
