// npm start keeps state across restarts: a Talos simulator started again on the same state
// file brings replayed VMs back configured (mTLS, same etcd membership), and its control
// endpoint reads state and switches faults over HTTP.
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import { startProxmoxSim } from '../../sim/proxmox/index.ts';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosControlServer, startTalosSim } from '../../sim/talos/index.ts';
import type { KubeApiserverStarter, TalosSim } from '../../sim/talos/index.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { clientCredentials, createVm, eventually, failure, insecure, machineConfig, newBundle, TestTalosClient } from './talos-helpers.ts';

const cp = { vmid: 251, name: 'persist-cp-1', address: '127.0.204.11' };
const dir = makeTempDir('talos-persistence');
const stateFile = join(dir.path, 'talos-state.json');
// This file is about Talos state only: no Kubernetes API is started (the simulator records a warning).
const noKubernetes: KubeApiserverStarter = () => Promise.reject(new Error('no kube-apiserver in this test'));
let proxmox: ProxmoxSim;
let talos: TalosSim;
let bundle: SecretsBundle;
const start = () => startTalosSim({ proxmox, startKubeApiserver: noKubernetes, dataDir: dir.path, stateFile, scale: 0.01, seed: 3 });
const admin = async () => new TestTalosClient(cp.address, await clientCredentials(bundle));

beforeAll(async () => {
  [proxmox, bundle] = await Promise.all([startProxmoxSim({ scale: 0.002, seed: 5 }), newBundle()]);
  talos = await start();
  await createVm(proxmox, cp);
  await eventually(() => {
    expect(talos.nodes()[0]?.stage).toBe('maintenance');
  });
  const anonymous = new TestTalosClient(cp.address, insecure());
  await anonymous.unary('ApplyConfiguration', {
    data: Buffer.from(
      machineConfig(bundle, {
        type: 'controlplane',
        cluster: 'persist',
        endpoint: 'https://127.0.204.10:6443',
        hostname: cp.name,
        address: cp.address,
      }),
    ),
  });
  anonymous.close();
  const client = await admin();
  await eventually(() => client.unary('Bootstrap'));
  client.close();
});
afterAll(async () => {
  await talos.stop();
  await proxmox.stop();
  dir.remove();
});

describe('a restarted simulator', () => {
  it('brings the running VM back configured, with its etcd member', async () => {
    const before = talos.clusters()[0]?.etcdMembers[0];
    await talos.stop();
    talos = await start();
    await eventually(() => {
      expect(talos.nodes()[0]).toMatchObject({ stage: 'running', hostname: cp.name, talosVersion: 'v1.11.2', machineType: 'controlplane' });
    });
    const client = await admin();
    const members = await eventually(() => client.unary('EtcdMemberList'));
    expect(members.messages?.[0]?.['members']).toEqual([expect.objectContaining({ id: before?.id, hostname: cp.name })]);
    // Until CRI is up again Bootstrap says "not available yet"; then the kept data dir answers.
    await eventually(async () => {
      expect(await failure(client.unary('Bootstrap'))).toEqual({
        code: status.ALREADY_EXISTS,
        details: 'etcd data directory is not empty',
      });
    });
    client.close();
    expect(
      talos.events.list({ type: 'sim.warning' }).some((e) => JSON.stringify(e.detail).includes('no kube-apiserver in this test')),
    ).toBe(true);
  });
});

describe('the control endpoint', () => {
  it('serves nodes and clusters and arms faults', async () => {
    const control = await startTalosControlServer(talos);
    try {
      const nodes = (await (await fetch(`${control.url}/nodes`)).json()) as { address: string }[];
      expect(nodes.map((n) => n.address)).toEqual([cp.address]);
      const clusters = (await (await fetch(`${control.url}/clusters`)).json()) as { name: string; bootstrapped: boolean }[];
      expect(clusters).toEqual([expect.objectContaining({ name: 'persist', bootstrapped: true })]);
      const armed = await fetch(`${control.url}/faults/etcdMemberUnhealthy`, {
        method: 'POST',
        body: JSON.stringify({ target: cp.address }),
      });
      expect(armed.status).toBe(200);
      expect(talos.clusters()[0]?.quorum).toBe(false);
      expect((await fetch(`${control.url}/faults/slowBoot`, { method: 'POST', body: '{"target":1}' })).status).toBe(400);
      await fetch(`${control.url}/faults/clear`, { method: 'POST' });
      expect(talos.clusters()[0]?.quorum).toBe(true);
      const faults = (await (await fetch(`${control.url}/events?type=fault.injected`)).json()) as unknown[];
      expect(faults).toHaveLength(2);
      // Losing etcd data: a bad target is refused with the reason; the only member's data going loses quorum for good.
      const nowhere = await fetch(`${control.url}/faults/etcdDataLost`, { method: 'POST', body: '{"target":"127.0.9.9"}' });
      expect([nowhere.status, await nowhere.json()]).toEqual([400, { error: 'no control plane at 127.0.9.9' }]);
      const lost = await fetch(`${control.url}/faults/etcdDataLost`, { method: 'POST', body: JSON.stringify({ target: cp.address }) });
      expect(lost.status).toBe(200);
      expect(talos.events.list({ type: 'etcd.data-lost' })).toEqual([expect.objectContaining({ address: cp.address, cluster: 'persist' })]);
      expect(talos.clusters()[0]?.quorum).toBe(false);
    } finally {
      await control.stop();
    }
  });
});
