// A restarted simulator continues the same cluster: VMs, ids, run state, tokens, tasks
// that were in flight, and the event log all survive.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProxmoxSim, SimVmInfo } from '../../sim/proxmox/index.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { cloneTemplate, dataOf, eventually, pveClient, rawRequest, startTestSim, waitForTask } from './proxmox-helpers.ts';

const dir = makeTempDir('proxmox-sim');
const files = { stateFile: join(dir.path, 'state', 'proxmox.json'), eventLogFile: join(dir.path, 'events.jsonl') };
const running: ProxmoxSim[] = [];

afterAll(async () => {
  await Promise.all(running.map((sim) => sim.stop()));
  dir.remove();
});

async function start(options: Parameters<typeof startTestSim>[0] = {}): Promise<ProxmoxSim> {
  const sim = await startTestSim({ ...files, ...options });
  running.push(sim);
  return sim;
}

describe('persistence', () => {
  it('keeps VMs, ids, run state, token and in-flight tasks across a restart', async () => {
    const first = await start();
    const api = pveClient(first);
    await cloneTemplate(api, { newid: 100, name: 'runs' });
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(100).config.$post({ ipconfig0: 'ip=127.0.30.2/24' }));
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(100).status.start.$post());
    await cloneTemplate(api, { newid: 101, name: 'sleeps' });
    // A clone that takes ~1 s is still running when the simulator stops.
    first.setTiming({ clone: 500_000 });
    const inFlight = await api.nodes.$('pve1').qemu.$(9000).clone.$post({ newid: 102, name: 'in-flight' });
    const lastSeq = first.events.list().at(-1)?.seq ?? 0;
    await first.stop();

    // The state folder holds the cluster and, as /etc/pve does, its CA and the node certificate.
    expect(readdirSync(join(dir.path, 'state')).sort()).toEqual([
      'proxmox.json',
      'pve-root-ca.key',
      'pve-root-ca.pem',
      'pve-ssl.key',
      'pve-ssl.pem',
    ]);
    expect(first.caFile).toBe(join(dir.path, 'state', 'pve-root-ca.pem'));
    expect(readFileSync(join(dir.path, 'state', 'pve-root-ca.pem'), 'utf8')).toBe(first.caPem);
    expect(JSON.parse(readFileSync(files.stateFile, 'utf8'))).toMatchObject({ version: 1 });

    const restartedHooks: SimVmInfo[] = [];
    const second = await start({ hooks: { 'vm-started': (vm) => restartedHooks.push(vm) } });
    expect(second.token).toEqual(first.token);
    // Clients that trusted the first run's CA keep trusting the restarted simulator.
    expect(second.caPem).toBe(first.caPem);
    const trustingFirst = new Agent({ connect: { ca: first.caPem } });
    const answer = await fetch(`${second.url}/version`, { headers: { Authorization: second.authorization }, dispatcher: trustingFirst });
    expect(answer.status).toBe(200);
    await trustingFirst.close();
    expect(restartedHooks).toEqual([expect.objectContaining({ vmid: 100, address: '127.0.30.2', status: 'running' })]);
    const byId = new Map(second.vms().map((vm) => [vm.vmid, vm]));
    expect(byId.get(100)).toMatchObject({ name: 'runs', status: 'running' });
    expect(byId.get(101)).toMatchObject({ name: 'sleeps', status: 'stopped' });

    const api2 = pveClient(second);
    expect(await api2.cluster.nextid.$get()).toBe('103');
    const task = await waitForTask(api2, 'pve1', inFlight);
    expect(task.status.exitstatus).toBe('OK');
    expect(second.vms().find((vm) => vm.vmid === 102)).toMatchObject({ name: 'in-flight', status: 'stopped' });
    expect(second.events.list()[0]?.seq).toBe(1);
    expect(second.events.list({ type: 'sim.loaded' })[0]?.seq).toBe(lastSeq + 1);
  });

  it('replays running VMs to a hook that asks for it', async () => {
    const sim = running.at(-1);
    if (sim === undefined) throw new Error('no simulator from the previous test');
    const replayed: number[] = [];
    const off = sim.on('vm-started', (vm) => replayed.push(vm.vmid), { replayRunning: true });
    await eventually(() => {
      expect(replayed).toEqual([100]);
    });
    off();
    // The guest of a VM that kept running answers at once.
    const answer = await rawRequest(sim, 'GET', '/nodes/pve1/qemu/100/agent/network-get-interfaces');
    expect((dataOf(answer) as { result: { name: string }[] }).result.map((i) => i.name)).toEqual(['lo', 'eth0']);
  });

  it('writes every event to the JSONL file, in order', () => {
    expect(existsSync(files.eventLogFile)).toBe(true);
    const lines = readFileSync(files.eventLogFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; type: string });
    expect(lines.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.filter((e) => e.type === 'vm.created').length).toBe(3);
  });
});
