// A VM started through the Proxmox simulator becomes a Talos node: maintenance mode, insecure
// apply, install and reboot into mTLS with the cluster's OS CA, roles, apid routing, power.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import {
  clientCredentials,
  createVm,
  decodeWire,
  eventually,
  failure,
  insecure,
  machineConfig,
  newBundle,
  startTalosStack,
  TestTalosClient,
  vmPower,
  wireBytes,
} from './talos-helpers.ts';
import type { TalosStack } from './talos-helpers.ts';

const net = '127.0.201';
const cp = { vmid: 201, name: 'maint-cp-1', address: `${net}.11` };
const worker = { vmid: 202, name: 'maint-w-1', address: `${net}.21` };
const endpoint = `https://${net}.10:6443`;
let stack: TalosStack;
let bundle: SecretsBundle;
const clients: TestTalosClient[] = [];
const client = (address: string, creds: ReturnType<typeof insecure>): TestTalosClient => {
  const c = new TestTalosClient(address, creds);
  clients.push(c);
  return c;
};
const stage = (vmid: number) => stack.talos.nodes().find((n) => n.vmid === vmid)?.stage;
const config = (type: 'controlplane' | 'worker', vm: typeof cp) =>
  Buffer.from(machineConfig(bundle, { type, cluster: 'maint', endpoint, hostname: vm.name, address: vm.address }));

beforeAll(async () => {
  // Services take 3 s to come up here, so "bootstrap is not available yet" can be observed.
  [stack, bundle] = await Promise.all([startTalosStack('maintenance', { timing: { servicesReady: 300_000 } }), newBundle()]);
  await createVm(stack.proxmox, cp);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stack.stop();
});

describe('maintenance mode', () => {
  it('comes up on the VM address and answers like the Talos 1.11 maintenance server', async () => {
    await eventually(() => {
      expect(stage(cp.vmid)).toBe('maintenance');
    });
    expect(stack.talos.events.list({ type: 'node.maintenance' })[0]).toMatchObject({ vmid: cp.vmid, address: cp.address });
    const anonymous = client(cp.address, insecure());
    expect(await failure(anonymous.unary('Version'))).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'API is not implemented in maintenance mode',
    });
    expect(await failure(anonymous.unary('ApplyConfiguration', { data: config('controlplane', cp), mode: 'NO_REBOOT' }))).toEqual({
      code: status.UNIMPLEMENTED,
      details: "apply configuration --mode='no-reboot' is not supported in maintenance mode",
    });
  });

  it('refuses an invalid config with INVALID_ARGUMENT and answers a dry run without changing anything', async () => {
    const anonymous = client(cp.address, insecure());
    const broken = config('controlplane', cp)
      .toString()
      .replace(/clusterName: maint/, 'clusterName: ""');
    const refused = await failure(anonymous.unary('ApplyConfiguration', { data: Buffer.from(broken) }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(/^configuration validation failed: 1 error occurred:\n\t\* cluster\.clusterName is required/);
    expect((await failure(anonymous.unary('ApplyConfiguration', { data: Buffer.from('machine: [') }))).details).toMatch(
      /^failed to parse config: /,
    );
    const dry = await anonymous.unary('ApplyConfiguration', { data: config('controlplane', cp), dryRun: true });
    expect(dry.messages?.[0]).toMatchObject({ modeDetails: 'Node is running in maintenance mode and does not have a config yet' });
    expect(stage(cp.vmid)).toBe('maintenance');
  });

  it('answers Version to anonymous clients on Talos >= 1.13 and refuses write APIs with PermissionDenied', async () => {
    // A VM tag names the boot media's version: this one boots the 1.13 maintenance server.
    await createVm(stack.proxmox, { ...worker, tags: 'talos;talos-v1.13.0' });
    await eventually(() => {
      expect(stage(worker.vmid)).toBe('maintenance');
    });
    const anonymous = client(worker.address, insecure());
    const version = await anonymous.unary('Version');
    expect(version.messages?.[0]).toMatchObject({ version: { tag: 'v1.13.0' }, platform: { name: 'nocloud' } });
    expect(await failure(anonymous.unary('Reboot'))).toEqual({ code: status.PERMISSION_DENIED, details: 'not authorized' });
  });
});

describe('after an apply', () => {
  it('installs, reboots and serves mTLS with a certificate of the OS CA for its IP', async () => {
    const reply = await client(cp.address, insecure()).unary('ApplyConfiguration', { data: config('controlplane', cp) });
    expect(reply.messages).toHaveLength(1);
    await eventually(
      () => {
        expect(stage(cp.vmid)).toBe('installing');
      },
      2_000,
      2,
    );
    await eventually(() => {
      expect(stage(cp.vmid)).toBe('running');
    });
    const admin = client(cp.address, await clientCredentials(bundle));
    const version = await eventually(() => admin.unary('Version'));
    expect(version.messages?.[0]).toMatchObject({ version: { tag: 'v1.11.2', os: 'linux' }, features: { rbac: true } });
    expect((await admin.unary('Hostname')).messages?.[0]).toMatchObject({ hostname: cp.name });
  });

  it('accepts only client certificates signed by its OS CA', async () => {
    expect((await failure(client(cp.address, insecure()).unary('Version'))).code).toBe(status.UNAVAILABLE);
    const stranger = await newBundle();
    expect((await failure(client(cp.address, await clientCredentials(stranger)).unary('Version'))).code).toBe(status.UNAVAILABLE);
  });

  it('takes roles from the Organization: os:reader may read but not bootstrap', async () => {
    const reader = client(cp.address, await clientCredentials(bundle, ['os:reader']));
    expect((await reader.unary('Version')).messages?.[0]).toMatchObject({ version: { tag: 'v1.11.2' } });
    expect(await failure(reader.unary('Bootstrap'))).toEqual({ code: status.PERMISSION_DENIED, details: 'not authorized' });
    expect(await failure(client(cp.address, await clientCredentials(bundle, ['os:unknown'])).unary('Version'))).toEqual({
      code: status.PERMISSION_DENIED,
      details: 'not authorized',
    });
  });

  it('refuses Bootstrap until its services run, and on a worker', async () => {
    const admin = client(cp.address, await clientCredentials(bundle));
    expect(await failure(admin.unary('Bootstrap'))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'bootstrap is not available yet',
    });
    const services = (await admin.unary('ServiceList')).messages?.[0]?.['services'] as { id: string; state: string }[];
    expect(services.find((s) => s.id === 'etcd')?.state).toBe('Preparing');
    expect(services.map((s) => s.id)).toContain('trustd');
  });
});

describe('workers and routing', () => {
  it('a worker gets its apid certificate from the control plane and refuses Bootstrap', async () => {
    await client(worker.address, insecure()).unary('ApplyConfiguration', { data: config('worker', worker) });
    await eventually(() => {
      expect(stage(worker.vmid)).toBe('running');
    });
    const admin = client(worker.address, await clientCredentials(bundle));
    // Talos <= 1.12 answers FailedPrecondition (1.13+ Unimplemented); the installer image says v1.11.2.
    expect(await eventually(() => failure(admin.unary('Bootstrap')))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'bootstrap can only be performed on a control plane node',
    });
    expect(await failure(admin.unary('EtcdMemberList'))).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'member list is only available on control plane nodes',
    });
  });

  it('proxies with `node` unchanged and fans out with `nodes`, failures in-band', async () => {
    const admin = client(cp.address, await clientCredentials(bundle));
    const one = await admin.unary('Hostname', {}, { node: worker.address });
    expect(one.messages).toEqual([expect.objectContaining({ hostname: worker.name, metadata: null })]);
    const many = await admin.unary('Version', {}, { nodes: [cp.address, worker.address, `${net}.99`] });
    expect(many.messages?.map((m) => (m['metadata'] as { hostname: string }).hostname)).toEqual([cp.address, worker.address, `${net}.99`]);
    expect(many.messages?.[1]).toMatchObject({ version: { tag: 'v1.11.2' } });
    expect(many.messages?.[2]).toMatchObject({
      version: null,
      metadata: {
        error: expect.stringContaining('rpc error: code = Unavailable desc = connection error') as unknown,
        status: { code: status.UNAVAILABLE },
      },
    });
    expect((await failure(admin.unary('Version', {}, { node: `${net}.99` }))).code).toBe(status.UNAVAILABLE);
  });

  it('puts field numbers on the wire as upstream Talos does (VersionResponse.messages=1, Version.version=2, VersionInfo.tag=1)', async () => {
    const admin = client(cp.address, await clientCredentials(bundle));
    const reply = decodeWire(await admin.raw('Version', Buffer.alloc(0)));
    const version = decodeWire(wireBytes(decodeWire(wireBytes(reply, 1)), 2));
    expect(wireBytes(version, 1).toString()).toBe('v1.11.2');
    expect(wireBytes(version, 5).toString()).toBe('linux');
  });
});

describe('power', () => {
  it('goes down with its VM and comes back configured when the VM starts again', async () => {
    await vmPower(stack.proxmox, worker.vmid, 'stop');
    expect(stage(worker.vmid)).toBe('down');
    expect((await failure(client(worker.address, await clientCredentials(bundle)).unary('Version'))).code).toBe(status.UNAVAILABLE);
    // A slow boot (fault) keeps it booting ten times longer than usual (1.5 s here).
    stack.talos.faults.slowBoot(worker.address, 10);
    await vmPower(stack.proxmox, worker.vmid, 'start');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stage(worker.vmid)).toBe('booting');
    stack.talos.faults.slowBoot(worker.address, 1);
    await eventually(() => {
      expect(stage(worker.vmid)).toBe('running');
    });
    const admin = client(worker.address, await clientCredentials(bundle));
    expect((await eventually(() => admin.unary('Hostname'))).messages?.[0]).toMatchObject({ hostname: worker.name });
    await vmPower(stack.proxmox, worker.vmid, 'stop');
    await vmPower(stack.proxmox, worker.vmid, 'destroy');
    expect(stack.talos.nodes().some((n) => n.vmid === worker.vmid)).toBe(false);
    expect(
      stack.talos.events
        .list({ type: 'node.down' })
        .filter((e) => e.vmid === worker.vmid)
        .map((e) => e.detail?.['reason']),
    ).toEqual(expect.arrayContaining(['vm-stopped', 'vm-destroyed']));
  });
});

describe('reset', () => {
  it('wipes STATE and EPHEMERAL, reboots and comes back in maintenance mode', async () => {
    const admin = client(cp.address, await clientCredentials(bundle));
    const reply = await admin.unary('Reset', {
      graceful: false,
      reboot: true,
      systemPartitionsToWipe: [
        { label: 'STATE', wipe: true },
        { label: 'EPHEMERAL', wipe: true },
      ],
    });
    expect(reply.messages?.[0]?.['actorId']).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(() => {
      expect(stage(cp.vmid)).toBe('maintenance');
    });
    expect(await failure(client(cp.address, insecure()).unary('Version'))).toEqual({
      code: status.UNIMPLEMENTED,
      details: 'API is not implemented in maintenance mode',
    });
    expect(stack.talos.nodes().find((n) => n.vmid === cp.vmid)?.machineType).toBeUndefined();
  });
});
