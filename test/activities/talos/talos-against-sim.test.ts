// Capstan's Talos client and activities against the Talos simulator over real TLS/mTLS: two
// independently written sides of the same wire protocol (DESIGN.md, "two walls").
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import { createKubernetesActivities } from '../../../activities/kubernetes/kubernetes-activities.ts';
import { maintenanceCredentials } from '../../../activities/talos/machine-api/credentials.ts';
import { TalosMachineClient } from '../../../activities/talos/machine-api/machine-client.ts';
import { clusterCredentials } from '../../../activities/talos/operations/talos-session.ts';
import type { SecretsBundle } from '../../../activities/talos/secrets-bundle.ts';
import { createTalosActivities } from '../../../activities/talos/talos-activities.ts';
import { generateTalosconfig } from '../../../activities/talos/talosconfig.ts';
import { MemorySecretStore } from '../../fixtures/memory-secret-store.ts';
import {
  createVm,
  eventually,
  machineConfig,
  newBundle,
  startTalosStack,
  vmPower,
  waitForStage,
  type TalosStack,
} from '../../sim/talos-helpers.ts';
import { kubeconfigSecret, machineConfigSecret, talosconfigSecret } from '../../../api/cluster-secrets.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

const cluster: ClusterRef = { namespace: 'default', name: 'epsilon' };
const endpoint = 'https://127.0.91.10:6443';
const controlPlanes = ['127.0.91.11', '127.0.91.12', '127.0.91.13'];
const workerAddress = '127.0.91.21';
const secrets = new MemorySecretStore();
const talos = createTalosActivities({ secrets, pollMs: 50 });
const kubernetes = createKubernetesActivities({ secrets, pollMs: 100 });
let stack: TalosStack;
let bundle: SecretsBundle;

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(fn, ...args);
}
const node = (address: string) => ({ cluster, address });
const hostname = (address: string) => `epsilon-${address.split('.').at(-1) ?? ''}`;

beforeAll(async () => {
  stack = await startTalosStack('client');
  bundle = await newBundle();
  await secrets.write(
    talosconfigSecret(cluster),
    await generateTalosconfig(bundle, { contextName: 'epsilon', endpoints: controlPlanes, now: new Date() }),
  );
  const machines = [
    ...controlPlanes.map((a) => ({ address: a, type: 'controlplane' as const })),
    { address: workerAddress, type: 'worker' as const },
  ];
  for (const [i, m] of machines.entries()) {
    await createVm(stack.proxmox, { vmid: 700 + i, name: hostname(m.address), address: m.address });
    const config = machineConfig(bundle, {
      type: m.type,
      cluster: 'epsilon',
      endpoint,
      hostname: hostname(m.address),
      address: m.address,
      kubernetes: '1.34.2',
      talos: 'v1.11.5',
    });
    await secrets.write(machineConfigSecret('default', hostname(m.address)), config);
  }
  // A workflow retries an apply that finds the node still booting; these calls run once, so they
  // start when maintenance mode answers (under load the last VM's boot can outlast the setup).
  for (const i of machines.keys()) await waitForStage(stack, 700 + i, 'maintenance', 60_000);
}, 180_000);
afterAll(async () => {
  await stack.stop();
});

describe('Talos client and activities against simulated nodes', () => {
  it('applies configs in maintenance mode, then reaches every node over mTLS', async () => {
    for (const address of [...controlPlanes, workerAddress]) {
      expect(await run(talos.talosApplyConfig, { ...node(address), machine: hostname(address) })).toMatchObject({
        outcome: 'applied-in-maintenance',
      });
    }
    for (const address of [...controlPlanes, workerAddress]) {
      expect(await run(talos.talosWaitForApid, node(address))).toMatchObject({ tag: 'v1.11.5' });
    }
    // Applying the same config again to a configured node changes nothing.
    expect(await run(talos.talosApplyConfig, { ...node(controlPlanes[0]!), machine: hostname(controlPlanes[0]!) })).toMatchObject({
      outcome: expect.stringMatching(/^(unchanged|applied)$/) as unknown,
    });
  });

  it('bootstraps etcd exactly once; a second Bootstrap gets AlreadyExists from the node', async () => {
    expect(await run(talos.talosBootstrap, { cluster, controlPlaneAddresses: controlPlanes })).toEqual({
      outcome: 'bootstrapped',
      node: controlPlanes[0],
    });
    expect(await run(talos.talosBootstrap, { cluster, controlPlaneAddresses: controlPlanes })).toMatchObject({
      outcome: 'already-bootstrapped',
    });
    const client = new TalosMachineClient(controlPlanes[0]!, await clusterCredentials(secrets, cluster));
    try {
      await expect(client.bootstrap()).rejects.toMatchObject({ code: 6 }); // ALREADY_EXISTS
    } finally {
      client.close();
    }
    expect(stack.talos.clusters().filter((c) => c.name === 'epsilon')).toHaveLength(1);
  });

  it('refuses maintenance credentials once a node is configured', async () => {
    const client = new TalosMachineClient(controlPlanes[1]!, maintenanceCredentials);
    try {
      await expect(client.version()).rejects.toBeDefined();
    } finally {
      client.close();
    }
  });

  it('lists the three members once the other control planes joined', async () => {
    const members = await eventually(
      async () => {
        const list = await run(talos.talosEtcdMembers, node(controlPlanes[0]!));
        if (list.length !== 3 || list.some((m) => m.isLearner)) throw new Error(`members: ${JSON.stringify(list)}`);
        return list;
      },
      30_000,
      200,
    );
    expect(members.map((m) => m.hostname).sort()).toEqual(controlPlanes.map(hostname).sort());
  });

  it("fetches a kubeconfig that works against the cluster's real kube-apiserver, where nodes get Ready", async () => {
    await run(talos.talosFetchKubeconfig, node(controlPlanes[0]!));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(await secrets.read(kubeconfigSecret(cluster)));
    expect(kubeConfig.getCurrentCluster()?.server).toBe(endpoint);
    const ready = await run(kubernetes.kubernetesWaitForNodeReady, { cluster, node: { name: hostname(workerAddress) } });
    expect(ready.kubeletVersion).toBe('v1.34.2');
    const nodes = await kubeConfig.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.length).toBeGreaterThanOrEqual(1);
  });

  it('drains a node of the simulated cluster with its PodDisruptionBudgets honoured', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(await secrets.read(kubeconfigSecret(cluster)));
    const core = kubeConfig.makeApiClient(CoreV1Api);
    // The simulator schedules PDB-covered pods and a DaemonSet's pods on the nodes.
    const busy = await eventually(
      async () => {
        const pods = (await core.listPodForAllNamespaces()).items;
        const movable = pods.find(
          (p) =>
            p.spec?.nodeName &&
            !p.metadata?.annotations?.['kubernetes.io/config.mirror'] &&
            !p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet'),
        );
        if (!movable?.spec?.nodeName) throw new Error('no workload pods yet');
        return movable.spec.nodeName;
      },
      30_000,
      200,
    );
    const drained = await run(kubernetes.kubernetesDrainNode, { cluster, node: { name: busy }, timeoutSeconds: 60 });
    expect(drained.found).toBe(true);
    expect(drained.evicted.length).toBeGreaterThan(0);
    expect(drained.skipped.map((s) => s.reason)).toContain('daemonset');
    const left = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${busy}` })).items;
    expect(
      left.every(
        (p) => p.metadata?.annotations?.['kubernetes.io/config.mirror'] ?? p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet'),
      ),
    ).toBe(true);
    await run(kubernetes.kubernetesUncordonNode, { cluster, node: { name: busy } });
  });

  it('refuses a legacy upgrade of a control plane when etcd would be left with 2 members, unless forced', async () => {
    const leaving = controlPlanes[2]!;
    await run(talos.talosEtcdForfeitLeadership, node(leaving));
    expect(await run(talos.talosEtcdLeaveCluster, node(leaving))).toEqual({ left: true });
    await eventually(
      async () => (await run(talos.talosEtcdMembers, node(controlPlanes[0]!))).length === 2 || Promise.reject(new Error('still 3')),
    );
    await expect(
      run(talos.talosUpgrade, { ...node(controlPlanes[0]!), image: 'ghcr.io/siderolabs/installer:v1.12.1' }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/etcd|member|quorum/i) as unknown,
    });
    expect(
      await run(talos.talosUpgrade, { ...node(controlPlanes[1]!), image: 'ghcr.io/siderolabs/installer:v1.12.1', force: true }),
    ).toMatchObject({
      api: 'legacy',
    });
    await eventually(
      async () => (await run(talos.talosVersion, node(controlPlanes[1]!))).tag === 'v1.12.1' || Promise.reject(new Error('not yet')),
      30_000,
      200,
    );
    // A retry after a lost reply finds the node on the new version and does not upgrade it again.
    const started = stack.talos.events.list().filter((e) => e.type === 'upgrade.started').length;
    expect(
      await run(talos.talosUpgrade, { ...node(controlPlanes[1]!), image: 'ghcr.io/siderolabs/installer:v1.12.1', force: true }),
    ).toMatchObject({ ack: 'already running v1.12.1', rebootRequired: false });
    expect(stack.talos.events.list().filter((e) => e.type === 'upgrade.started')).toHaveLength(started);
  });

  it('rolls a failed upgrade back to the old version', async () => {
    stack.talos.faults.failNextUpgrade(workerAddress);
    await run(talos.talosUpgrade, { ...node(workerAddress), image: 'ghcr.io/siderolabs/installer:v1.12.1' });
    await eventually(
      async () => stack.talos.events.list().some((e) => e.type === 'upgrade.rolled-back') || Promise.reject(new Error('no rollback yet')),
      30_000,
      200,
    );
    expect((await run(talos.talosWaitForApid, node(workerAddress))).tag).toBe('v1.11.5');
  });

  it('answers etcd calls with a retryable Unavailable once quorum is lost', async () => {
    await vmPower(stack.proxmox, 701, 'stop'); // the second of the two remaining members
    await expect(run(talos.talosEtcdMembers, node(controlPlanes[0]!))).rejects.toMatchObject({
      type: ErrorType.TalosUnavailable,
      nonRetryable: false,
    });
  });
});
