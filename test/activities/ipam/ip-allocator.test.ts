import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import { ipamCrds, ipamGroup, ipamVersion } from '../../../api/ipam.ts';
import { createIpamActivities } from '../../../activities/ipam/ipam-activities.ts';
import { applyCrds } from '../../../client/kubernetes/apply-crds.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';

const dataDir = makeTempDir('ipam');
let cluster: ManagementCluster | undefined;

async function start(): Promise<ManagementCluster> {
  cluster = await startManagementCluster({ dataDir: dataDir.path, ephemeral: true });
  return cluster;
}

beforeAll(async () => {
  await applyCrds((await start()).kubeConfig, ipamCrds);
});
afterAll(async () => {
  await cluster?.stop();
  dataDir.remove();
});

/** Tests share `default` (no namespace controller runs) and keep to address ranges of their own. */
function request(owner: string, addresses: string[], poolName = 'alpha', namespace = 'default') {
  return {
    namespace,
    cluster: 'alpha',
    poolName,
    pool: { addresses, prefix: 24, gateway: '127.0.50.1', dnsServers: ['127.0.0.53'] },
    owner,
  };
}

async function addressesOf(owner: string): Promise<string[]> {
  const api = cluster!.kubeConfig.makeApiClient(CustomObjectsApi);
  const list = (await api.listNamespacedCustomObject({
    group: ipamGroup,
    version: ipamVersion,
    namespace: 'default',
    plural: 'ipaddresses',
    labelSelector: `ipam.capstan.dev/claim=${owner}`,
  })) as { items: Array<{ spec: { address: string } }> };
  return list.items.map((item) => item.spec.address);
}

async function createNamespaces(names: readonly string[]): Promise<void> {
  const core = cluster!.kubeConfig.makeApiClient(CoreV1Api);
  for (const name of names) await core.createNamespace({ body: { metadata: { name } } });
}

describe('IPAM on the management cluster', () => {
  it('never hands out one address twice, however many allocate at once', async () => {
    const ipam = createIpamActivities(cluster!.kubeConfig);
    const owners = Array.from({ length: 12 }, (_, i) => `concurrent-${i}`);
    const results = await Promise.all(owners.map((owner) => ipam.ipamAllocate(request(owner, ['127.0.50.10-127.0.50.29']))));
    expect(new Set(results.map((r) => r.ip)).size).toBe(owners.length);
    expect(results[0]).toMatchObject({ prefix: 24, gateway: '127.0.50.1', dns: ['127.0.0.53'] });
    await Promise.all(owners.map((owner) => ipam.ipamRelease({ namespace: 'default', owner })));
  });

  it('gives concurrent allocations for one owner the same single address', async () => {
    // Two workers (two allocators) racing for the same machine, as after a retried activity.
    const [one, two] = [createIpamActivities(cluster!.kubeConfig), createIpamActivities(cluster!.kubeConfig)];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? one : two).ipamAllocate(request('same-owner', ['127.0.50.30-127.0.50.39']))),
    );
    expect(new Set(results.map((r) => r.ip)).size).toBe(1);
    expect(await addressesOf('same-owner')).toEqual([results[0]!.ip]);
    expect(await one.ipamAllocate(request('same-owner', ['127.0.50.30-127.0.50.39']))).toEqual(results[0]);
    await one.ipamRelease({ namespace: 'default', owner: 'same-owner' });
  });

  it('reports an exhausted pool as retryable and recovers once an address is freed', async () => {
    const ipam = createIpamActivities(cluster!.kubeConfig);
    const pool = ['127.0.50.40-127.0.50.41'];
    const first = await ipam.ipamAllocate(request('small-a', pool));
    await ipam.ipamAllocate(request('small-b', pool));
    const exhausted = await ipam.ipamAllocate(request('small-c', pool)).catch((error: unknown) => error);
    expect(exhausted).toMatchObject({ type: ErrorType.IpPoolExhausted, nonRetryable: false });
    expect(String(exhausted)).toContain('all 2 addresses are in use');
    expect(await ipam.ipamRelease({ namespace: 'default', owner: 'small-a' })).toBe(true);
    expect(await ipam.ipamRelease({ namespace: 'default', owner: 'small-a' })).toBe(false);
    expect((await ipam.ipamAllocate(request('small-c', pool))).ip).toBe(first.ip);
    for (const owner of ['small-b', 'small-c']) await ipam.ipamRelease({ namespace: 'default', owner });
  });

  it('reserves a control-plane endpoint so no machine gets it, and refuses a second holder', async () => {
    const ipam = createIpamActivities(cluster!.kubeConfig);
    const pool = ['127.0.50.50-127.0.50.51'];
    const endpoint = await ipam.ipamReserve(request('alpha-control-plane-endpoint', pool), '127.0.50.50');
    expect(endpoint.ip).toBe('127.0.50.50');
    expect((await ipam.ipamAllocate(request('machine-1', pool))).ip).toBe('127.0.50.51');
    await expect(ipam.ipamReserve(request('beta-control-plane-endpoint', pool), '127.0.50.51')).rejects.toMatchObject({
      type: ErrorType.IpAddressConflict,
      nonRetryable: true,
      message: expect.stringContaining('127.0.50.51 is already assigned to machine-1') as unknown,
    });
    for (const owner of ['alpha-control-plane-endpoint', 'machine-1']) await ipam.ipamRelease({ namespace: 'default', owner });
  });

  it('never hands one address to two namespaces, also when both allocate at the same moment', async () => {
    await createNamespaces(['team-a', 'team-b']);
    const [one, two] = [createIpamActivities(cluster!.kubeConfig), createIpamActivities(cluster!.kubeConfig)];
    const pool = ['127.0.50.70-127.0.50.79'];
    // Two teams whose pools overlap (the controller refuses the younger pool; this is the last guard).
    const owners = Array.from({ length: 10 }, (_, i) => ({ namespace: i % 2 ? 'team-a' : 'team-b', owner: `cross-${i}` }));
    const results = await Promise.all(
      owners.map(({ namespace, owner }, i) => (i % 3 ? one : two).ipamAllocate(request(owner, pool, 'shared', namespace))),
    );
    expect(new Set(results.map((r) => r.ip)).size).toBe(owners.length);
    const exhausted = await one.ipamAllocate(request('cross-late', pool, 'shared', 'team-a')).catch((error: unknown) => error);
    expect(exhausted).toMatchObject({ type: ErrorType.IpPoolExhausted });

    const held = results[1]!.ip; // held by cross-1 in team-a
    await expect(one.ipamReserve(request('team-b-control-plane-endpoint', pool, 'shared', 'team-b'), held)).rejects.toMatchObject({
      type: ErrorType.IpAddressConflict,
      message: expect.stringContaining(`${held} is already assigned to cross-1 in namespace team-a`) as unknown,
    });
    for (const { namespace, owner } of owners) await one.ipamRelease({ namespace, owner });
    await one.ipamRelease({ namespace: 'team-b', owner: 'team-b-control-plane-endpoint' });
  });

  it('turns an API refusal into one typed sentence, never a raw ApiException dump', async () => {
    const ipam = createIpamActivities(cluster!.kubeConfig);
    const owner = `x${'y'.repeat(70)}`; // too long for the claim label the API server requires to be valid
    const refused = await ipam.ipamAllocate(request(owner, ['127.0.50.60-127.0.50.61'])).then(
      () => undefined,
      (error: unknown) => error as { type?: string; message: string; nonRetryable?: boolean },
    );
    expect(refused?.type).toBe(ErrorType.KubernetesInvalidRequest);
    expect(refused?.nonRetryable).toBe(true);
    expect(refused?.message).toMatch(new RegExp(`^allocating the address claim default/${owner}: .*must be no more than 63 characters`));
    expect(refused?.message).not.toMatch(/HTTP-Code|Headers|audit-id/);
  });

  it('keeps allocations across a restart of the management cluster and of the worker', async () => {
    const before = createIpamActivities(cluster!.kubeConfig);
    const pool = ['127.0.50.60-127.0.50.69'];
    const held = await before.ipamAllocate(request('survivor', pool));
    await cluster!.stop();
    const restarted = await start();
    const after = createIpamActivities(restarted.kubeConfig);
    expect(await after.ipamAllocate(request('survivor', pool))).toEqual(held);
    expect((await after.ipamAllocate(request('newcomer', pool))).ip).not.toBe(held.ip);
    for (const owner of ['survivor', 'newcomer']) await after.ipamRelease({ namespace: 'default', owner });
  });
});
