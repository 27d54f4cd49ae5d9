// Shared by the Talos simulator tests: one Proxmox sim + one Talos sim per file, VMs made
// through the Proxmox HTTP API, and realistic machine configs from Capstan's own generator (test
// code may use it; the simulator may not).
import { credentials } from '@grpc/grpc-js';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { generateSecretsBundle } from '../../activities/talos/generate-secrets-bundle.ts';
import { renderMachineConfig } from '../../activities/talos/render-machine-config.ts';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import { issueTalosClientCertificate } from '../../activities/talos/talosconfig.ts';
import { startProxmoxSim } from '../../sim/proxmox/index.ts';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim } from '../../sim/talos/index.ts';
import type { TalosSim, TalosSimOptions, TalosSimTiming } from '../../sim/talos/index.ts';
import type { SimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { createSimKubeStarter } from '../../embedded/servers/sim-light-mode.ts';
import { delay as sleep } from '../../embedded/servers/managed-process.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { simFetch } from './proxmox-helpers.ts';
import { TestTalosClient } from './talos-grpc-client.ts';

/** Proxmox sim, Talos sim and the apiserver starter of one test file. */
export interface TalosStack {
  readonly proxmox: ProxmoxSim;
  readonly talos: TalosSim;
  readonly kube: SimKubeApiservers;
  stop(): Promise<void>;
}

/** Starts the stack with test timing (scale 0.01). */
export async function startTalosStack(
  label: string,
  options: Partial<Pick<TalosSimOptions, 'workload' | 'bootVersion' | 'scale' | 'externalLoadBalancers' | 'clock' | 'sharedKubernetes'>> & {
    timing?: Partial<TalosSimTiming>;
  } = {},
): Promise<TalosStack> {
  const dir = makeTempDir(`talos-${label}`);
  const proxmox = await startProxmoxSim({ scale: 0.002, seed: 7 });
  // Light mode's shared apiserver with `sharedKubernetes`, as the launcher pairs them.
  const kube = createSimKubeStarter(options.sharedKubernetes ?? false, { dataDir: dir.path });
  const talos = await startTalosSim({ proxmox, startKubeApiserver: kube.start, dataDir: dir.path, scale: 0.01, seed: 11, ...options });
  return {
    proxmox,
    talos,
    kube,
    stop: async () => {
      await talos.stop();
      await kube.stop();
      await proxmox.stop();
      dir.remove();
    },
  };
}

async function pve(sim: ProxmoxSim, method: string, path: string, fields: Record<string, string | number> = {}): Promise<unknown> {
  const body =
    method === 'GET' ? undefined : new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const response = await simFetch(sim)(`${sim.url}${path}`, {
    method,
    headers: { Authorization: sim.authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }) },
    ...(body === undefined ? {} : { body }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${response.statusText}`);
  return ((await response.json()) as { data: unknown }).data;
}

async function task(sim: ProxmoxSim, upid: unknown): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    const status = (await pve(sim, 'GET', `/nodes/pve1/tasks/${encodeURIComponent(String(upid))}/status`)) as {
      status: string;
      exitstatus?: string;
    };
    if (status.status === 'stopped') {
      if (status.exitstatus !== 'OK') throw new Error(`task ${String(upid)}: ${status.exitstatus ?? ''}`);
      return;
    }
    await sleep(5);
  }
  throw new Error(`task ${String(upid)} did not finish`);
}

/** Clones the Talos template, gives the clone a loopback address (ipconfig0) and starts it. */
export async function createVm(sim: ProxmoxSim, vm: { vmid: number; name: string; address: string; tags?: string }): Promise<void> {
  await task(sim, await pve(sim, 'POST', '/nodes/pve1/qemu/9000/clone', { newid: vm.vmid, name: vm.name, full: 1 }));
  await pve(sim, 'PUT', `/nodes/pve1/qemu/${vm.vmid}/config`, {
    ipconfig0: `ip=${vm.address}/24`,
    ...(vm.tags === undefined ? {} : { tags: vm.tags }),
  });
  await task(sim, await pve(sim, 'POST', `/nodes/pve1/qemu/${vm.vmid}/status/start`));
}

/** Waits until the VM's simulated node is at this stage ("maintenance" and "running" mean apid answers). */
export async function waitForStage(stack: TalosStack, vmid: number, stage: string, timeoutMs?: number): Promise<void> {
  await eventually(() => {
    expect(stack.talos.nodes().find((n) => n.vmid === vmid)?.stage).toBe(stage);
  }, timeoutMs);
}

/**
 * What an operator does with talosctl to a VM that just started: wait for maintenance mode, apply
 * the config over --insecure, wait until the node runs. Returns an os:admin client of the node.
 */
export async function applyInMaintenance(
  stack: TalosStack,
  vm: { vmid: number; address: string },
  config: Buffer,
  bundle: SecretsBundle,
): Promise<TestTalosClient> {
  await waitForStage(stack, vm.vmid, 'maintenance');
  const anonymous = new TestTalosClient(vm.address, insecure());
  try {
    await anonymous.unary('ApplyConfiguration', { data: config });
  } finally {
    anonymous.close();
  }
  const admin = new TestTalosClient(vm.address, await clientCredentials(bundle));
  await waitForStage(stack, vm.vmid, 'running');
  return admin;
}

/** Bootstraps etcd through a control plane, then waits until the cluster's Kubernetes API answers. */
export async function bootstrapUntilApiAvailable(stack: TalosStack, controlPlane: TestTalosClient): Promise<void> {
  await eventually(() => controlPlane.unary('Bootstrap'));
  await eventually(
    () => {
      expect(stack.talos.clusters()[0]?.apiAvailable).toBe(true);
    },
    150_000,
    200,
  );
}

/** os:admin clients by node address, closed together. */
export class AdminClients {
  private readonly clients = new Map<string, TestTalosClient>();

  set(address: string, client: TestTalosClient): void {
    this.clients.set(address, client);
  }

  get(address: string): TestTalosClient {
    const client = this.clients.get(address);
    if (client === undefined) throw new Error(`no admin client for ${address}`);
    return client;
  }

  closeAll(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** Stops (hard) or destroys a VM through the API. */
export async function vmPower(sim: ProxmoxSim, vmid: number, action: 'start' | 'stop' | 'destroy'): Promise<void> {
  if (action === 'destroy') await task(sim, await pve(sim, 'DELETE', `/nodes/pve1/qemu/${vmid}`));
  else await task(sim, await pve(sim, 'POST', `/nodes/pve1/qemu/${vmid}/status/${action}`));
}

/** A fresh cluster secrets bundle (ECDSA service-account key: fast). */
export const newBundle = (): Promise<SecretsBundle> => generateSecretsBundle({ serviceAccountKey: 'ecdsa-p256' });

/** A machine config as Capstan renders it (control planes share the endpoint as a Talos VIP). */
export function machineConfig(
  bundle: SecretsBundle,
  spec: {
    type: 'controlplane' | 'worker';
    cluster: string;
    endpoint: string;
    hostname: string;
    address: string;
    kubernetes?: string;
    talos?: string;
    /** The shared IP a control plane announces: the endpoint's host unless given, none with `false` (workers never get one). */
    vip?: string | false;
  },
): string {
  const vip = spec.type === 'controlplane' && spec.vip !== false ? (spec.vip ?? new URL(spec.endpoint).hostname) : undefined;
  return renderMachineConfig(
    {
      machineType: spec.type,
      clusterName: spec.cluster,
      controlPlaneEndpoint: spec.endpoint,
      kubernetesVersion: spec.kubernetes ?? '1.33.4',
      installerImage: `ghcr.io/siderolabs/installer:${spec.talos ?? 'v1.11.2'}`,
      hostname: spec.hostname,
      network: { interface: 'eth0', addresses: [`${spec.address}/24`], ...(vip === undefined ? {} : { vip }) },
    },
    bundle,
  ).yaml;
}

/** A machine config whose kubelet registers its Node with this `--provider-id` (`machine.kubelet.extraArgs`). */
export function withProviderId(config: string, providerId: string): string {
  const documents = parseAllDocuments(config);
  const list = Array.isArray(documents) ? documents : [documents];
  // The v1alpha1 document is the one without a `kind`.
  const main = list.find((d) => d.get('version') !== undefined && d.get('kind') === undefined);
  if (main === undefined) throw new Error('no v1alpha1 document in the machine config');
  main.setIn(['machine', 'kubelet', 'extraArgs', 'provider-id'], providerId);
  return list.map((d) => d.toString()).join('---\n');
}

/** mTLS client credentials: the OS CA and a client certificate with these roles (valid for a year from `now`). */
export async function clientCredentials(
  bundle: SecretsBundle,
  roles: readonly string[] = ['os:admin'],
  now = new Date(),
): Promise<ChannelCredentials> {
  const client = await issueTalosClientCertificate(bundle, { now, roles });
  const key = client.key.replace(/ED25519 PRIVATE KEY/g, 'PRIVATE KEY');
  return credentials.createSsl(Buffer.from(bundle.certs.os.crt), Buffer.from(key), Buffer.from(client.crt));
}

/** talosctl --insecure. */
export const insecure = (): ChannelCredentials => credentials.createSsl(null, null, null, { rejectUnauthorized: false });

export { delay as sleep } from '../../embedded/servers/managed-process.ts';
export { eventually };

export { decodeWire, failure, untarGz, wireBytes } from './talos-grpc-client.ts';
export { TestTalosClient };
export type { Message, RpcFailure } from './talos-grpc-client.ts';
