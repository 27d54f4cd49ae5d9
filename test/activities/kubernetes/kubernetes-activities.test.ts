import { readFileSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import { createKubernetesActivities } from '../../../activities/kubernetes/kubernetes-activities.ts';
import { KubernetesSecretStore } from '../../../activities/kubernetes/secret-store.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import {
  createBudget,
  ensureNamespace,
  podExists,
  registerNode,
  reportNodeStatus,
  runPod,
  setDisruptionsAllowed,
  startFakeKubelet,
  workloadApis,
} from './workload-fixtures.ts';
import { kubeconfigSecret } from '../../../api/cluster-secrets.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

// One real apiserver plays both parts: the management cluster holding the Secrets and the
// workload cluster whose Nodes are drained (the kubeconfig Secret points back at itself).
const dataDir = makeTempDir('kubernetes-activities');
const cluster: ClusterRef = { namespace: 'default', name: 'wl' };
const apps = 'apps';
let management: ManagementCluster | undefined;
let secrets: KubernetesSecretStore;
let apis: ReturnType<typeof workloadApis>;
let activities: ReturnType<typeof createKubernetesActivities>;

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: dataDir.path, ephemeral: true });
  secrets = new KubernetesSecretStore(management.kubeConfig);
  apis = workloadApis(management.kubeConfig);
  activities = createKubernetesActivities({ secrets, pollMs: 100 });
  await secrets.write(kubeconfigSecret(cluster), readFileSync(management.kubeconfigPath, 'utf8'));
  await ensureNamespace(apis, apps);
});
afterAll(async () => {
  await management?.stop();
  dataDir.remove();
});

const node = (name: string) => ({ cluster, node: { name } });

// Expected failures would otherwise log as activity warnings.
const activityEnv = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return activityEnv().run(fn, ...args);
}

describe('SecretStore on Kubernetes Secrets', () => {
  it('writes, reads, overwrites one key and keeps the others', async () => {
    const a = { namespace: 'default', name: 'store-test', key: 'a' };
    const b = { ...a, key: 'b' };
    await secrets.write(a, 'first', { labels: { 'cluster.x-k8s.io/cluster-name': 'wl' }, type: 'cluster.x-k8s.io/secret' });
    await secrets.write(b, 'other');
    await secrets.write(a, 'second');
    expect(await secrets.read(a)).toBe('second');
    expect(await secrets.read(b)).toBe('other');
    const stored = await apis.core.readNamespacedSecret({ name: 'store-test', namespace: 'default' });
    expect(stored).toMatchObject({ type: 'cluster.x-k8s.io/secret', metadata: { labels: { 'cluster.x-k8s.io/cluster-name': 'wl' } } });
  });

  it('reports a missing Secret or key as non-retryable SecretNotFound', async () => {
    await expect(secrets.read({ namespace: 'default', name: 'nope', key: 'value' })).rejects.toMatchObject({
      type: ErrorType.SecretNotFound,
      nonRetryable: true,
      message: 'Secret default/nope does not exist',
    });
    await expect(secrets.read({ namespace: 'default', name: 'store-test', key: 'zzz' })).rejects.toMatchObject({
      type: ErrorType.SecretNotFound,
      message: 'Secret default/store-test has no key "zzz"',
    });
  });

  it('creates one Secret when writers race', async () => {
    const refs = ['x', 'y', 'z'].map((key) => ({ namespace: 'default', name: 'race-test', key }));
    await Promise.all(refs.map((ref) => secrets.write(ref, ref.key)));
    expect(await Promise.all(refs.map((ref) => secrets.read(ref)))).toEqual(['x', 'y', 'z']);
  });
});

describe('workload node operations', () => {
  it('waits for a node to register and become Ready, by name or by label', async () => {
    const waiting = run(activities.kubernetesWaitForNodeReady, { ...node('ready-1'), timeoutSeconds: 30 });
    await registerNode(apis, 'ready-1', { 'capstan.dev/machine': 'ready-1' });
    await reportNodeStatus(apis, 'ready-1', false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await reportNodeStatus(apis, 'ready-1', true, 'v1.34.1');
    expect(await waiting).toMatchObject({ name: 'ready-1', kubeletVersion: 'v1.34.1', osImage: 'Talos (v1.12.4)' });
    const byLabel = { cluster, node: { labelSelector: 'capstan.dev/machine=ready-1' } };
    expect(await run(activities.kubernetesWaitForNodeReady, byLabel)).toMatchObject({ name: 'ready-1' });
    expect(await run(activities.kubernetesNodeVersions, byLabel)).toMatchObject({
      kubeletVersion: 'v1.34.1',
      containerRuntimeVersion: 'containerd://2.1.4',
    });
    expect(await run(activities.kubernetesNodeVersions, node('absent'))).toBeUndefined();
  });

  it('after an upgrade, waits until the kubelet reports the new version, not just Ready', async () => {
    await registerNode(apis, 'upgraded-1', {});
    await reportNodeStatus(apis, 'upgraded-1', true, 'v1.34.1');
    const waiting = run(activities.kubernetesWaitForNodeReady, { ...node('upgraded-1'), kubeletVersion: 'v1.35.0', timeoutSeconds: 30 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await reportNodeStatus(apis, 'upgraded-1', true, 'v1.35.0');
    expect(await waiting).toMatchObject({ name: 'upgraded-1', kubeletVersion: 'v1.35.0' });
    await expect(
      run(activities.kubernetesWaitForNodeReady, { ...node('upgraded-1'), kubeletVersion: 'v1.36.0', timeoutSeconds: 0.3 }),
    ).rejects.toThrow('kubelet v1.35.0, waiting for v1.36.0');
  });

  it('gives up on a node that stays NotReady with a retryable NodeNotReady naming why', async () => {
    await registerNode(apis, 'never-ready');
    await reportNodeStatus(apis, 'never-ready', false);
    const failure = await run(activities.kubernetesWaitForNodeReady, { ...node('never-ready'), timeoutSeconds: 1 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ type: ErrorType.NodeNotReady, nonRetryable: false });
    expect((failure as Error).message).toMatch(/node never-ready not Ready after 1s: Ready=False \(KubeletNotReady/);
  });

  it('cordons and uncordons, and reports a missing node instead of failing', async () => {
    await registerNode(apis, 'cordon-1');
    expect(await run(activities.kubernetesCordonNode, node('cordon-1'))).toBe(true);
    expect((await apis.core.readNode({ name: 'cordon-1' })).spec?.unschedulable).toBe(true);
    expect(await run(activities.kubernetesCordonNode, node('cordon-1'))).toBe(true);
    expect(await run(activities.kubernetesUncordonNode, node('cordon-1'))).toBe(true);
    expect((await apis.core.readNode({ name: 'cordon-1' })).spec?.unschedulable).toBeUndefined();
    expect(await run(activities.kubernetesCordonNode, node('missing'))).toBe(false);
  });

  it('drains past a PodDisruptionBudget once it allows a disruption, sparing DaemonSet and mirror pods', async () => {
    await registerNode(apis, 'drain-1');
    await runPod(apis, apps, 'web-1', 'drain-1', 'plain', { app: 'web' });
    await runPod(apis, apps, 'batch-1', 'drain-1');
    await runPod(apis, apps, 'agent-1', 'drain-1', 'daemonset');
    await runPod(apis, apps, 'static-1', 'drain-1', 'mirror');
    await createBudget(apis, apps, 'web', 'web', 0);
    const stopKubelet = startFakeKubelet(apis);
    try {
      const env = activityEnv();
      const blocked = new Promise<void>((resolve) => {
        env.on('heartbeat', (details: { blockedByPdb?: string[] }) => {
          if (details.blockedByPdb?.includes('apps/web-1')) resolve();
        });
      });
      const draining = env.run(activities.kubernetesDrainNode, { ...node('drain-1'), timeoutSeconds: 60 });
      draining.catch(() => undefined); // awaited below; keeps a failed assertion from leaving it unhandled
      await blocked;
      expect(await podExists(apis, apps, 'web-1')).toBe(true);
      // The unprotected pod is evicted at once; the fake kubelet removes it on its next round.
      await expect.poll(() => podExists(apis, apps, 'batch-1'), { timeout: 10_000 }).toBe(false);
      await setDisruptionsAllowed(apis, apps, 'web', 1);
      expect(await draining).toEqual({
        found: true,
        evicted: ['apps/batch-1', 'apps/web-1'],
        skipped: [
          { pod: 'apps/agent-1', reason: 'daemonset' },
          { pod: 'apps/static-1', reason: 'mirror' },
        ],
      });
    } finally {
      await stopKubelet();
    }
    expect((await apis.core.readNode({ name: 'drain-1' })).spec?.unschedulable).toBe(true);
    expect(await podExists(apis, apps, 'agent-1')).toBe(true);
    expect(await podExists(apis, apps, 'static-1')).toBe(true);
  });

  it('fails a drain a budget holds past the timeout once, with DrainBlockedByPdb naming budget and pod', async () => {
    await registerNode(apis, 'drain-2');
    await runPod(apis, apps, 'db-1', 'drain-2', 'plain', { app: 'db' });
    await createBudget(apis, apps, 'db-budget', 'db', 0);
    const failure = await run(activities.kubernetesDrainNode, { ...node('drain-2'), timeoutSeconds: 1 }).catch((error: unknown) => error);
    // Not retryable: the drain already waited its whole timeout; another attempt would only wait it again.
    expect(failure).toMatchObject({ type: ErrorType.DrainBlockedByPdb, nonRetryable: true });
    expect((failure as Error).message).toMatch(/PodDisruptionBudget db-budget .*apps\/db-1/);
    expect(await podExists(apis, apps, 'db-1')).toBe(true);
  });

  it('with onTimeout Proceed, returns at the timeout naming the pods a budget kept, as Cluster API goes on', async () => {
    await registerNode(apis, 'drain-3');
    await runPod(apis, apps, 'cache-1', 'drain-3', 'plain', { app: 'cache' });
    await createBudget(apis, apps, 'cache-budget', 'cache', 0);
    expect(await run(activities.kubernetesDrainNode, { ...node('drain-3'), timeoutSeconds: 1, onTimeout: 'Proceed' })).toEqual({
      found: true,
      evicted: [],
      skipped: [],
      leftAtTimeout: ['apps/cache-1'],
    });
    expect(await podExists(apis, apps, 'cache-1')).toBe(true);
  });

  it('on an unreachable node, deletes pods past their budget and stops waiting once their grace period is over; not on a live one', async () => {
    await registerNode(apis, 'lost-1');
    await reportNodeStatus(apis, 'lost-1', 'Unknown');
    await runPod(apis, apps, 'orphan-1', 'lost-1', 'plain', { app: 'lost' }, 3);
    await createBudget(apis, apps, 'lost', 'lost', 0);
    // No kubelet runs here: the deleted pod stays Terminating, as on a destroyed VM. The drain
    // waits out its grace period even past its own timeout: the pod is sure to count as gone then.
    expect(await run(activities.kubernetesDrainNode, { ...node('lost-1'), timeoutSeconds: 1 })).toEqual({
      found: true,
      evicted: ['apps/orphan-1'],
      skipped: [{ pod: 'apps/orphan-1', reason: 'terminating-on-unreachable-node' }],
    });
    expect(await podExists(apis, apps, 'orphan-1')).toBe(true);

    await registerNode(apis, 'live-1');
    await reportNodeStatus(apis, 'live-1', true);
    await runPod(apis, apps, 'stuck-1', 'live-1', 'plain', {}, 1);
    const failure = await run(activities.kubernetesDrainNode, { ...node('live-1'), timeoutSeconds: 4 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ type: ErrorType.DrainIncomplete, nonRetryable: true });
    expect((failure as Error).message).toMatch(/apps\/stuck-1 still terminating/);
  });

  it('deletes a node, and deleting it again is harmless', async () => {
    await registerNode(apis, 'delete-1');
    expect(await run(activities.kubernetesDeleteNode, node('delete-1'))).toEqual({ deleted: true });
    expect(await run(activities.kubernetesDeleteNode, node('delete-1'))).toEqual({ deleted: false });
    expect(await run(activities.kubernetesDrainNode, node('delete-1'))).toEqual({ found: false, evicted: [], skipped: [] });
  });
});
