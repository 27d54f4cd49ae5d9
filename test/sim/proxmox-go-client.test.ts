// A client nobody here wrote judges the simulator: go-proxmox, the library the Cluster API
// provider for Proxmox uses, drives one machine from clone to delete over HTTPS, trusting the
// simulator's CA, and every step must come back as PVE answers it.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { buildPveGoClient } from '../../tools/pve-go-client.ts';
import { startTestSim } from './proxmox-helpers.ts';

type Step = { step: string } & Record<string, unknown>;

const dir = makeTempDir('go-proxmox');
let sim: ProxmoxSim;
let client: string;

beforeAll(async () => {
  client = buildPveGoClient();
  sim = await startTestSim({ scale: 0.005 });
  writeFileSync(join(dir.path, 'pve-root-ca.pem'), sim.caPem);
});
afterAll(async () => {
  await sim.stop();
  dir.remove();
});

/** Runs the client against the simulator; resolves with its steps, whether it succeeded or not. */
async function runClient(caFile: string): Promise<{ steps: Step[]; ok: boolean }> {
  const args = [
    '-url',
    sim.url,
    '-token-id',
    sim.token.id,
    '-ca-file',
    caFile,
    '-name',
    'capmox-style',
    '-ip',
    '127.0.40.5/24',
    '-gateway',
    '127.0.40.1',
  ];
  const env = { ...process.env, PVE_TOKEN_SECRET: sim.token.secret };
  const parse = (stdout: string): Step[] =>
    stdout
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Step);
  try {
    const { stdout } = await promisify(execFile)(client, args, { env, timeout: 90_000 });
    return { steps: parse(stdout), ok: true };
  } catch (error) {
    const stdout = (error as { stdout?: unknown }).stdout;
    return { steps: parse(typeof stdout === 'string' ? stdout : ''), ok: false };
  }
}

describe('go-proxmox against the simulator, over HTTPS', () => {
  it('clones, configures, resizes, starts, reads the guest agent, stops and deletes a VM', async () => {
    const { steps, ok } = await runClient(join(dir.path, 'pve-root-ca.pem'));
    const step = (name: string): Step => {
      const found = steps.find((s) => s.step === name);
      if (found === undefined) throw new Error(`no step '${name}' in ${JSON.stringify(steps)}`);
      return found;
    };
    expect(steps.filter((s) => s.step === 'error')).toEqual([]);
    expect(ok).toBe(true);
    expect(steps.map((s) => s.step)).toEqual([
      'version',
      'cluster',
      'nodes',
      'node',
      'template',
      'nextid',
      'clone',
      'cloned',
      'configure',
      'tag',
      'resize',
      'configured',
      'start',
      'running',
      'agent',
      'stop',
      'stopped',
      'delete',
      'deleted',
      'done',
    ]);

    expect(step('version')['version']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(step('version')['release']).toMatch(/^\d+\.\d+$/);
    expect(step('cluster')).toMatchObject({
      name: 'simulated',
      quorate: 1,
      nodes: ['pve1 ip=127.0.0.1 online=1 local=1', 'pve2 ip=127.0.0.2 online=1 local=0', 'pve3 ip=127.0.0.3 online=1 local=0'],
    });
    expect(step('nodes')).toMatchObject({ nodes: ['pve1=online', 'pve2=online', 'pve3=online'] });
    expect(step('node')).toMatchObject({ name: 'pve1', memoryTotal: 64 * 2 ** 30, cpus: 16, vms: 1, containers: 0 });
    expect(step('template')).toMatchObject({ vmid: 9000 });
    const vmid = step('nextid')['vmid'];
    expect(step('nextid')).toMatchObject({ vmid: 100, free: true });

    // Tasks: the UPID's node, type and token user parse the way go-proxmox splits them.
    for (const [name, type] of [
      ['clone', 'qmclone'],
      ['configure', 'qmconfig'],
      ['tag', 'qmconfig'],
      ['resize', 'resize'],
      ['start', 'qmstart'],
      ['stop', 'qmstop'],
      ['delete', 'qmdestroy'],
    ] as const) {
      expect(step(name)).toMatchObject({ type, node: 'pve1', user: 'capstan@pve', exitstatus: 'OK' });
    }

    const created = sim.events.list({ type: 'vm.created', vmid: Number(vmid) })[0];
    expect(created).toBeDefined();
    expect(step('cloned')).toMatchObject({
      name: 'capmox-style',
      status: 'stopped',
      freeAfterClone: false,
    });
    expect(step('cloned')['smbios1']).toMatch(/^uuid=[0-9a-f-]{36}$/);
    const configured = step('configured');
    expect(configured).toMatchObject({
      cores: 2,
      sockets: 1,
      memory: '4096',
      description: 'configured by go-proxmox',
      ipconfig0: 'ip=127.0.40.5/24,gw=127.0.40.1',
      tags: 'ip_net0_127.0.40.5;talos',
    });
    expect(configured['scsi0']).toMatch(/,size=20G$/);
    const mac = /^virtio=([0-9A-F:]+),bridge=vmbr0$/.exec(String(configured['net0']))?.[1];
    expect(mac).toBeDefined();

    expect(step('running')).toMatchObject({ status: 'running', qmpstatus: 'running', isRunning: true });
    const interfaces = step('agent')['interfaces'] as { name: string; mac: string; addresses: string[] }[];
    expect(interfaces.map((i) => [i.name, i.mac, i.addresses[0]])).toEqual([['eth0', mac?.toLowerCase(), '127.0.40.5/24']]);
    expect(interfaces[0]?.addresses[1]).toMatch(/^fe80::/);
    expect(step('stopped')).toMatchObject({ status: 'stopped', isStopped: true });
    expect(step('deleted')).toMatchObject({
      free: true,
      lookup: `500 Configuration file 'nodes/pve1/qemu-server/${String(vmid)}.conf' does not exist`,
    });
    expect(sim.vms().map((vm) => vm.vmid)).toEqual([9000]);
    expect(sim.events.list({ vmid: Number(vmid) }).map((e) => e.type)).toEqual(
      expect.arrayContaining(['vm.created', 'vm.configured', 'vm.started', 'vm.stopped', 'vm.destroyed']),
    );
  });

  it("fails its first call when it does not trust the simulator's certificate", async () => {
    const other = await startTestSim();
    const otherCa = join(dir.path, 'other-ca.pem');
    writeFileSync(otherCa, other.caPem);
    await other.stop();
    const { steps, ok } = await runClient(otherCa);
    expect(ok).toBe(false);
    expect(steps.map((s) => s.step)).toEqual(['error']);
    expect(steps[0]?.['message']).toContain('x509: certificate signed by unknown authority');
  });
});
