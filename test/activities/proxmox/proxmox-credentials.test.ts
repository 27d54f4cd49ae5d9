// Per-cluster Proxmox credentials: a ProxmoxCluster's credentialsRef names a Secret (CAPMOX's keys)
// in a real management kube-apiserver; one set of activities serves several simulated Proxmox VE
// clusters, each reached with its own Secret's token, the worker's own settings as the fallback;
// a rotated Secret is used by the next call; a bad Secret is a clear, permanent failure.
import { CoreV1Api } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesiredCluster } from '../../../api/desired-cluster.ts';
import { ErrorType } from '../../../api/errors.ts';
import type { ProxmoxCredentialsRef } from '../../../api/proxmox-credentials.ts';
import type { MachineVmSpecInput } from '../../../api/proxmox.ts';
import { createLifecycleActivities, type LifecycleActivities } from '../../../activities/lifecycle-activities.ts';
import { connectionFromSecret } from '../../../activities/proxmox/credentials-secret.ts';
import { secretProxmoxClients } from '../../../activities/proxmox/proxmox-clients.ts';
import { preflightInput } from '../../../plan/preflight-input.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { simDesiredCluster } from '../../fixtures/desired-cluster.ts';

const ns = 'default';
const tokenA = { id: 'tenant-a@pve!capstan', secret: '6f1c2a0e-0000-4000-8000-00000000000a' };
const tokenA2 = { id: 'tenant-a@pve!capstan-2026', secret: '6f1c2a0e-0000-4000-8000-0000000000a2' };
const tokenB = { id: 'tenant-b@pve!capstan', secret: '6f1c2a0e-0000-4000-8000-00000000000b' };

const dir = makeTempDir('proxmox-credentials');
let management: ManagementCluster;
let core: CoreV1Api;
/** The worker's own Proxmox (PROXMOX_* in production): the fallback. */
let own: ProxmoxSim;
let simA: ProxmoxSim;
let simB: ProxmoxSim;
let activities: LifecycleActivities;

/** CAPMOX's Secret: `url` without /api2/json, `token`, `secret`. */
async function writeSecret(name: string, data: Record<string, string>): Promise<void> {
  const body = { metadata: { name, namespace: ns }, stringData: data };
  try {
    await core.replaceNamespacedSecret({ name, namespace: ns, body });
  } catch {
    await core.createNamespacedSecret({ namespace: ns, body });
  }
}
const hostOf = (sim: ProxmoxSim): string => sim.url.replace(/\/api2\/json$/, '');
const ref = (name: string): ProxmoxCredentialsRef => ({ namespace: ns, name });

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true, capstanCrds: true });
  core = management.kubeConfig.makeApiClient(CoreV1Api);
  [own, simA, simB] = await Promise.all([
    startProxmoxSim({ scale: 0.002, seed: 21 }),
    startProxmoxSim({ scale: 0.002, seed: 22, tokens: [tokenA] }),
    startProxmoxSim({ scale: 0.002, seed: 23, tokens: [tokenB] }),
  ]);
  // Each Secret carries its Proxmox VE's own CA, as /etc/pve/pve-root-ca.pem would be copied.
  await writeSecret('pve-a', { url: hostOf(simA), token: tokenA.id, secret: tokenA.secret, root_ca: simA.caPem });
  // A URL that already names the API path is taken as it is.
  await writeSecret('pve-b', { url: simB.url, token: tokenB.id, secret: tokenB.secret, root_ca: simB.caPem });
  activities = createLifecycleActivities({
    proxmox: { baseUrl: own.url, tokenId: own.token.id, tokenSecret: own.token.secret, caPem: own.caPem },
    managementCluster: management.kubeConfig,
    pollMs: 50,
    snapshotDir: `${dir.path}/snapshots`,
  });
}, 120_000);
afterAll(async () => {
  await Promise.all([own, simA, simB].map((sim) => sim.stop()));
  await management.stop();
  dir.remove();
});

let counter = 0;
function machine(cluster: string, credentials?: ProxmoxCredentialsRef): MachineVmSpecInput {
  counter += 1;
  return {
    cluster: `${ns}/${cluster}`,
    machine: `${cluster}-cp-${counter}`,
    templateVmid: 9000,
    allowedNodes: ['pve1', 'pve2', 'pve3'],
    cores: 2,
    memoryMiB: 2048,
    diskGiB: 20,
    address: { ip: `127.0.61.${counter + 10}`, prefix: 24, dns: [] },
    ...(credentials ? { credentials } : {}),
  };
}

// Expected failures would otherwise log as activity warnings.
const quietly = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
async function run<A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return quietly().run(activity, ...args);
}
async function clone(spec: MachineVmSpecInput): Promise<void> {
  const node = await run(activities.proxmoxChooseNode, spec);
  await run(activities.proxmoxEnsureVm, spec, node);
}
const names = (sim: ProxmoxSim): string[] => sim.vms().map((vm) => vm.name ?? '');
/** The token ids that ran tasks on the sim (PVE writes the caller into each UPID). */
const taskUsers = (sim: ProxmoxSim): string[] => [
  ...new Set(
    sim.events
      .list({ type: 'task.started' })
      .map((e) => (e as { upid?: string }).upid?.split(':')[7] ?? '')
      .filter((u) => u !== ''),
  ),
];

describe('one worker, several Proxmox VE clusters', () => {
  it("builds each cluster's VMs on the Proxmox its Secret names, with that Secret's token, and the rest on the worker's own", async () => {
    const a = machine('alpha', ref('pve-a'));
    const b = machine('beta', ref('pve-b'));
    const plain = machine('gamma');
    await Promise.all([clone(a), clone(b), clone(plain)]);

    expect(names(simA)).toContain(a.machine);
    expect(names(simB)).toContain(b.machine);
    expect(names(own)).toContain(plain.machine);
    for (const [sim, others] of [
      [simA, [b, plain]],
      [simB, [a, plain]],
      [own, [a, b]],
    ] as const) {
      for (const other of others) expect(names(sim)).not.toContain(other.machine);
    }
    expect(taskUsers(simA)).toEqual([tokenA.id]);
    expect(taskUsers(simB)).toEqual([tokenB.id]);
  });

  it('uses a rotated Secret at the next call, without a restart, once the old token is revoked', async () => {
    await clone(machine('alpha', ref('pve-a')));
    // The operator makes a second token, puts it in the Secret, and removes the first.
    simA.addToken(tokenA2);
    await writeSecret('pve-a', { url: hostOf(simA), token: tokenA2.id, secret: tokenA2.secret, root_ca: simA.caPem });
    simA.revokeToken(tokenA.id);

    const after = machine('alpha', ref('pve-a'));
    await clone(after);
    expect(names(simA)).toContain(after.machine);
    expect(taskUsers(simA)).toEqual([tokenA.id, tokenA2.id]);
  });

  it('reads the Secret at every call but builds a client only when its resourceVersion changes', async () => {
    const clients = secretProxmoxClients(management.kubeConfig, undefined);
    const first = await clients.forCluster(ref('pve-b'));
    expect(await clients.forCluster(ref('pve-b'))).toBe(first);
    await writeSecret('pve-b', { url: simB.url, token: tokenB.id, secret: tokenB.secret, root_ca: simB.caPem, insecure: 'false' });
    expect(await clients.forCluster(ref('pve-b'))).not.toBe(first);
  });

  it("observes a cluster on its own Proxmox: an observation reads the VMs of the Secret's cluster", async () => {
    const spec = machine('delta', ref('pve-b'));
    await clone(spec);
    const observed = await run(activities.observeCluster, { namespace: ns, name: 'delta', proxmoxCredentials: ref('pve-b') });
    expect(observed.strayVms.map((vm) => vm.name)).toEqual([spec.machine]);
    const fromOwn = await run(activities.observeCluster, { namespace: ns, name: 'delta' });
    expect(fromOwn.strayVms).toEqual([]);
  });
});

describe('a credentials Secret that cannot be used', () => {
  const refusal = async (spec: MachineVmSpecInput) => {
    const error: unknown = await run(activities.proxmoxChooseNode, spec).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    return error as { type: string; nonRetryable: boolean; message: string };
  };

  it('names a missing Secret, permanently', async () => {
    const error = await refusal(machine('alpha', ref('nowhere')));
    expect(error).toMatchObject({ type: ErrorType.ProxmoxCredentialsInvalid, nonRetryable: true });
    expect(error.message).toContain('Secret default/nowhere');
    expect(error.message).toContain('does not exist');
  });

  it('names every missing or malformed key at once', async () => {
    await writeSecret('pve-broken', { url: 'pve.example.lan:8006', secret: 'x y', root_ca: 'not a certificate', insecure: 'maybe' });
    const error = await refusal(machine('alpha', ref('pve-broken')));
    expect(error).toMatchObject({ type: ErrorType.ProxmoxCredentialsInvalid, nonRetryable: true });
    expect(error.message).toContain('Secret default/pve-broken');
    expect(error.message).toContain('key "token" is missing');
    expect(error.message).toContain('key "url" is not an https:// URL (pve.example.lan:8006)');
    expect(error.message).toContain('key "insecure" is neither true nor false (maybe)');
    expect(error.message).toContain('key "secret" contains whitespace');
    expect(error.message).toContain('key "root_ca" is not a PEM certificate');
  });

  it('names the Secret whose token Proxmox refuses (401), permanently', async () => {
    await writeSecret('pve-wrong', { url: hostOf(simB), token: tokenB.id, secret: 'not-the-secret', root_ca: simB.caPem });
    const error = await refusal(machine('beta', ref('pve-wrong')));
    expect(error).toMatchObject({ type: ErrorType.ProxmoxPermissionDenied, nonRetryable: true });
    expect(error.message).toContain('401');
    expect(error.message).toContain('Secret default/pve-wrong (keys "token" and "secret")');
  });

  it('refuses a plain-HTTP URL, which would send the token in the clear', async () => {
    await writeSecret('pve-http', { url: hostOf(simB).replace('https://', 'http://'), token: tokenB.id, secret: tokenB.secret });
    const error = await refusal(machine('beta', ref('pve-http')));
    expect(error).toMatchObject({ type: ErrorType.ProxmoxCredentialsInvalid, nonRetryable: true });
    expect(error.message).toContain('key "url" is not an https:// URL (http://');
  });

  it("names the Secret's key for the CA when Proxmox VE's certificate is not trusted, and skips verification only when the Secret asks", async () => {
    await writeSecret('pve-no-ca', { url: hostOf(simB), token: tokenB.id, secret: tokenB.secret });
    const error = await refusal(machine('beta', ref('pve-no-ca')));
    expect(error).toMatchObject({ type: ErrorType.ProxmoxTlsUntrusted, nonRetryable: true });
    expect(error.message).toContain('under key "root_ca" of Secret default/pve-no-ca');

    await writeSecret('pve-no-ca', { url: hostOf(simB), token: tokenB.id, secret: tokenB.secret, insecure: 'true' });
    await expect(run(activities.proxmoxChooseNode, machine('beta', ref('pve-no-ca')))).resolves.toMatch(/^pve\d$/);
  });

  it('lists an unusable Secret among the problems of the check before building', async () => {
    const desired = DesiredCluster.parse(
      simDesiredCluster('alpha', 61, { proxmox: { allowedNodes: ['pve1'], credentialsRef: { name: 'nowhere' } } }),
    );
    const { problems } = await run(activities.clusterPreflight, preflightInput(desired, 'all'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ object: 'ProxmoxCluster default/alpha', field: 'spec.credentialsRef' });
    expect(problems[0]?.message).toContain('Secret default/nowhere');
  });

  it('tells a cluster without a credentialsRef that the worker has no Proxmox of its own', async () => {
    const clients = secretProxmoxClients(management.kubeConfig, undefined);
    await expect(clients.forCluster(undefined)).rejects.toMatchObject({
      type: ErrorType.ProxmoxCredentialsInvalid,
      message: expect.stringContaining('set spec.credentialsRef') as unknown,
    });
  });
});

describe('connectionFromSecret', () => {
  const data = (values: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const base = { url: 'https://pve.example.lan:8006/', token: 'capstan@pve!capstan', secret: 'abc' };

  it("adds the API path to CAPMOX's address and verifies the certificate unless `insecure` is true-ish", () => {
    expect(connectionFromSecret(ref('s'), data(base))).toMatchObject({
      baseUrl: 'https://pve.example.lan:8006/api2/json',
      tokenId: 'capstan@pve!capstan',
      tokenSecret: 'abc',
    });
    expect(connectionFromSecret(ref('s'), data(base)).insecureSkipTlsVerify).toBeUndefined();
    expect(connectionFromSecret(ref('s'), data({ ...base, insecure: 'false' })).insecureSkipTlsVerify).toBeUndefined();
    expect(connectionFromSecret(ref('s'), data({ ...base, insecure: 'Yes' })).insecureSkipTlsVerify).toBe(true);
  });

  it('refuses a token id that is not USER@REALM!TOKENID and an empty key, naming them', () => {
    expect(() => connectionFromSecret(ref('s'), data({ ...base, token: 'root@pam', secret: '' }))).toThrow(
      /Secret default\/s .*key "secret" is empty.*key "token" is not an API token id \(root@pam\)/,
    );
  });
});
