// The control-plane endpoint answers only where a real cluster's would: at the Talos shared IP
// (VIP) while a healthy control plane configured with it holds it, one holder at a time, elected
// through etcd after bootstrap and moved on failure with Talos' gap; behind a load balancer the
// embedding declared; nowhere else.
import { connect } from 'node:net';
import { status } from '@grpc/grpc-js';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import {
  AdminClients,
  applyInMaintenance,
  createVm,
  eventually,
  failure,
  insecure,
  machineConfig,
  newBundle,
  startTalosStack,
  TestTalosClient,
  vmPower,
  waitForStage,
} from './talos-helpers.ts';
import type { TalosStack } from './talos-helpers.ts';

const net = '127.0.207';
const vip = `${net}.10`;
const cps = [1, 2, 3].map((i) => ({ vmid: 270 + i, name: `vip-cp-${i}`, address: `${net}.${10 + i}` }));
const plain = { vmid: 281, name: 'plain-cp-1', address: `${net}.31`, endpoint: `${net}.30` };
const balanced = { vmid: 282, name: 'lb-cp-1', address: `${net}.41`, endpoint: `${net}.40` };
const spare = { vmid: 283, name: 'vip-w-1', address: `${net}.51` };
// 1.5 s at this scale: long enough to see the endpoint silent, short enough for a test.
const leaseTtlMs = 150_000 * 0.01;
let stack: TalosStack;
const bundles: Record<string, SecretsBundle> = {};
const admins = new AdminClients();

const answers = (host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(6443, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => {
      resolve(false);
    });
  });
const clusterNamed = (name: string) => stack.talos.clusters().find((c) => c.name === name);
const holder = (): string | undefined => clusterNamed('vip')?.sharedIps.find((s) => s.ip === vip)?.holder;
const voters = (): number => clusterNamed('vip')?.etcdMembers.filter((m) => !m.learner).length ?? 0;
const vipEvents = () => stack.talos.events.list().filter((e) => e.type === 'vip.acquired' || e.type === 'vip.released');

async function configure(
  vm: { vmid: number; name: string; address: string },
  cluster: string,
  endpointHost: string,
  options: { vip?: false } = {},
): Promise<void> {
  await createVm(stack.proxmox, vm);
  const bundle = bundles[cluster];
  if (bundle === undefined) throw new Error(`no bundle for ${cluster}`);
  const config = machineConfig(bundle, {
    type: 'controlplane',
    cluster,
    endpoint: `https://${endpointHost}:6443`,
    hostname: vm.name,
    address: vm.address,
    ...options,
  });
  admins.set(vm.address, await applyInMaintenance(stack, vm, Buffer.from(config), bundle));
}

beforeAll(async () => {
  stack = await startTalosStack('shared-ip', {
    timing: { sharedIpLeaseTtl: 150_000 },
    externalLoadBalancers: [`${balanced.endpoint}:6443`],
  });
  [bundles['vip'], bundles['plain'], bundles['lb']] = await Promise.all([newBundle(), newBundle(), newBundle()]);
  await Promise.all([
    ...cps.map((vm) => configure(vm, 'vip', vip)),
    configure(plain, 'plain', plain.endpoint, { vip: false }),
    configure(balanced, 'lb', balanced.endpoint, { vip: false }),
  ]);
}, 120_000);
afterAll(async () => {
  admins.closeAll();
  await stack.stop();
});

describe('before bootstrap', () => {
  it('nobody holds the VIP and nothing answers at it: the election needs etcd', async () => {
    expect(clusterNamed('vip')?.sharedIps).toEqual([{ ip: vip }]);
    expect(await answers(vip)).toBe(false);
  });
});

describe('after bootstrap', () => {
  it('the bootstrapped control plane takes the VIP once its etcd runs, and the API answers there', async () => {
    const [cp1] = cps;
    await eventually(() => admins.get(cp1?.address ?? '').unary('Bootstrap'));
    await eventually(
      async () => {
        expect(holder()).toBe(cp1?.address);
        expect(await answers(vip)).toBe(true);
      },
      150_000,
      200,
    );
    expect(vipEvents().filter((e) => e.type === 'vip.acquired')).toEqual([
      expect.objectContaining({ cluster: 'vip', address: cp1?.address, detail: { ip: vip } }),
    ]);
  }, 180_000);

  it('a control plane without a VIP config leaves its endpoint silent, though its API is up', async () => {
    await eventually(() => admins.get(plain.address).unary('Bootstrap'));
    await eventually(
      () => {
        expect(clusterNamed('plain')).toMatchObject({ apiAvailable: true, sharedIps: [] });
      },
      150_000,
      200,
    );
    expect(await answers(plain.endpoint)).toBe(false);
  }, 180_000);

  it('a declared external load balancer answers while a control plane runs, and not after', async () => {
    await eventually(() => admins.get(balanced.address).unary('Bootstrap'));
    await eventually(
      async () => {
        expect(clusterNamed('lb')?.apiAvailable).toBe(true);
        expect(await answers(balanced.endpoint)).toBe(true);
      },
      150_000,
      200,
    );
    await vmPower(stack.proxmox, balanced.vmid, 'stop');
    await eventually(async () => {
      expect(await answers(balanced.endpoint)).toBe(false);
    });
  }, 180_000);
});

describe('failover', () => {
  it('a graceful reboot of the holder hands the VIP to another control plane at once', async () => {
    await eventually(
      () => {
        expect(voters()).toBe(3);
      },
      30_000,
      50,
    );
    const before = holder();
    const seen = vipEvents().length;
    await admins.get(before ?? '').unary('Reboot');
    await eventually(() => {
      expect(holder()).toBeDefined();
      expect(holder()).not.toBe(before);
    });
    const [released, acquired] = vipEvents().slice(seen);
    expect(released).toMatchObject({ type: 'vip.released', address: before });
    expect(acquired).toMatchObject({ type: 'vip.acquired' });
    expect(Date.parse(acquired?.at ?? '') - Date.parse(released?.at ?? '')).toBeLessThan(leaseTtlMs / 2);
    await eventually(async () => {
      expect(await answers(vip)).toBe(true);
    });
    const rebooted = cps.find((vm) => vm.address === before);
    await waitForStage(stack, rebooted?.vmid ?? 0, 'running');
  });

  it('a holder whose VM stops keeps its key until the lease expires: the endpoint is silent meanwhile', async () => {
    const before = holder();
    const vm = cps.find((c) => c.address === before);
    const stoppedAt = Date.now();
    await vmPower(stack.proxmox, vm?.vmid ?? 0, 'stop');
    expect(holder()).toBeUndefined();
    expect(await answers(vip)).toBe(false);
    await eventually(async () => {
      expect(await answers(vip)).toBe(true);
    });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(leaseTtlMs);
    expect(holder()).toBeDefined();
    expect(holder()).not.toBe(before);
    await vmPower(stack.proxmox, vm?.vmid ?? 0, 'start');
    await waitForStage(stack, vm?.vmid ?? 0, 'running');
    await eventually(() => {
      expect(clusterNamed('vip')?.etcdMembers.every((m) => m.reachable)).toBe(true);
    });
  });

  it('a holder cut off from its etcd peers loses the VIP once its lease expires, and campaigns again when healed', async () => {
    const before = holder() ?? '';
    const cutOffAt = Date.now();
    stack.talos.faults.etcdMemberUnhealthy(before);
    expect(holder()).toBeUndefined();
    await eventually(() => {
      expect(holder()).toBeDefined();
    });
    expect(Date.now() - cutOffAt).toBeGreaterThanOrEqual(leaseTtlMs);
    expect(holder()).not.toBe(before);
    const after = holder();
    stack.talos.faults.etcdMemberUnhealthy(before, false);
    // Healed, it queues behind the holder: the VIP stays where it is.
    await eventually(() => {
      expect(clusterNamed('vip')?.etcdMembers.every((m) => m.reachable)).toBe(true);
    });
    expect(holder()).toBe(after);
  });

  it('removing the holder from etcd moves the VIP after the lease expires', async () => {
    const before = holder();
    const other = cps.find((c) => c.address !== before);
    const member = clusterNamed('vip')?.etcdMembers.find((m) => m.address === before);
    const seen = vipEvents().length;
    await admins.get(other?.address ?? '').unary('EtcdRemoveMemberByID', { memberId: member?.id });
    expect(holder()).toBeUndefined();
    await eventually(() => {
      expect(holder()).toBeDefined();
    });
    const [released, acquired] = vipEvents().slice(seen);
    expect(released).toMatchObject({ type: 'vip.released', address: before });
    expect(acquired).toMatchObject({ type: 'vip.acquired' });
    expect(acquired?.address).not.toBe(before);
    expect(Date.parse(acquired?.at ?? '') - Date.parse(released?.at ?? '')).toBeGreaterThanOrEqual(leaseTtlMs - 50);
    expect(vipEvents().filter((e) => e.type === 'vip.acquired').length).toBe(
      vipEvents().filter((e) => e.type === 'vip.released').length + 1,
    );
  });
});

describe('machine config', () => {
  it('refuses a VIP on a worker and one that is not an IP address, as Talos validation does', async () => {
    await createVm(stack.proxmox, spare);
    await waitForStage(stack, spare.vmid, 'maintenance');
    const withVip = (type: 'worker' | 'controlplane', ip: string): Buffer => {
      const text = machineConfig(bundles['vip'] as SecretsBundle, {
        type,
        cluster: 'vip',
        endpoint: `https://${vip}:6443`,
        hostname: spare.name,
        address: spare.address,
        vip: false,
      });
      const documents = parseAllDocuments(text);
      const list = Array.isArray(documents) ? documents : [documents];
      const main = list.find((d) => d.get('version') !== undefined && d.get('kind') === undefined);
      main?.setIn(['machine', 'network', 'interfaces', 0, 'vip'], { ip });
      return Buffer.from(list.map((d) => d.toString()).join('---\n'));
    };
    const anonymous = new TestTalosClient(spare.address, insecure());
    try {
      expect(await failure(anonymous.unary('ApplyConfiguration', { data: withVip('worker', vip) }))).toEqual({
        code: status.INVALID_ARGUMENT,
        details: 'configuration validation failed: 1 error occurred:\n\t* virtual (shared) IP is not allowed on non-controlplane nodes\n\n',
      });
      expect(await failure(anonymous.unary('ApplyConfiguration', { data: withVip('controlplane', 'not-an-ip') }))).toEqual({
        code: status.INVALID_ARGUMENT,
        details:
          'configuration validation failed: 1 error occurred:\n\t* [networking.os.device.vip] failed to parse "not-an-ip" as IP address\n\n',
      });
    } finally {
      anonymous.close();
    }
  });
});
