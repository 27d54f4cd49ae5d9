// Restoring a workload cluster's etcd from a stored snapshot, activity by activity, against the
// Talos simulator over its real protocol: the simulator restores with etcd's own tools, so a
// ConfigMap deleted after the snapshot comes back only if the right bytes reached the right node.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { kubeconfigSecret, machineConfigSecret, talosconfigSecret } from '../../../api/cluster-secrets.ts';
import type { EtcdSnapshotRecord, SnapshotStoreRef } from '../../../api/etcd-snapshots.ts';
import { ErrorType } from '../../../api/errors.ts';
import { snapshotRevision } from '../../../activities/etcd-backup/bbolt-revision.ts';
import { createKubernetesActivities } from '../../../activities/kubernetes/kubernetes-activities.ts';
import { createEtcdRestoreActivities } from '../../../activities/etcd-backup/etcd-restore-activities.ts';
import { snapshotId } from '../../../activities/etcd-backup/snapshot-id.ts';
import { snapshotStores } from '../../../activities/etcd-backup/snapshot-stores.ts';
import { checkSnapshotTrailer } from '../../../activities/etcd-backup/snapshot-trailer.ts';
import { TalosMachineClient } from '../../../activities/talos/machine-api/machine-client.ts';
import { clusterCredentials } from '../../../activities/talos/operations/talos-session.ts';
import { createTalosActivities } from '../../../activities/talos/talos-activities.ts';
import { generateTalosconfig } from '../../../activities/talos/talosconfig.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { MemorySecretStore } from '../../fixtures/memory-secret-store.ts';
import { runActivity } from '../../harness/run-activity.ts';
import { createVm, eventually, machineConfig, newBundle, startTalosStack, waitForStage, type TalosStack } from '../../sim/talos-helpers.ts';
import { expectFailure } from '../talos/talos-fixtures.ts';

const cluster: ClusterRef = { namespace: 'default', name: 'omega' };
const endpoint = 'https://127.0.93.10:6443';
const controlPlanes = ['127.0.93.11', '127.0.93.12', '127.0.93.13'];
const [cp1, cp2, cp3] = controlPlanes as [string, string, string];
const hostname = (address: string) => `omega-${address.split('.').at(-1) ?? ''}`;
const files = makeTempDir('etcd-restore');
const storeDir = join(files.path, 'store');
const store: SnapshotStoreRef = { kind: 'worker-directory' };
const secrets = new MemorySecretStore();
const stores = snapshotStores({ directory: storeDir });
const deps = { secrets, pollMs: 50, stores, scratchDir: files.path };
const talos = createTalosActivities(deps);
const restore = createEtcdRestoreActivities(deps);
const kubernetes = createKubernetesActivities({ secrets, pollMs: 100 });
let stack: TalosStack;
let core: CoreV1Api;

const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => runActivity(fn, args);
const node = (address: string) => ({ cluster, address });
/** Where the directory store keeps a snapshot's bytes. */
const storedFile = (id: string) => join(storeDir, cluster.namespace, cluster.name, `${id}.db`);
const etcdEventsSince = (seq: number) =>
  stack.talos.events
    .list()
    .filter((e) => e.seq > seq && (e.type.startsWith('etcd.') || e.type === 'node.down'))
    .map((e) => `${e.type} ${e.hostname ?? ''}`);
const lastSeq = () => stack.talos.events.list().at(-1)?.seq ?? 0;

/** Takes a snapshot through a control plane and stores it with its record, as a backup does. */
async function storeSnapshot(label: string): Promise<EtcdSnapshotRecord> {
  const path = join(files.path, `${label}.db`);
  await run(talos.talosEtcdSnapshot, { ...node(cp2), path });
  const checked = await checkSnapshotTrailer(path, label);
  const takenAt = new Date();
  const revision = await snapshotRevision(path);
  const record = {
    id: snapshotId(takenAt, revision, 'manual', label),
    takenAt: takenAt.toISOString(),
    revision,
    ...checked,
    reason: 'manual' as const,
    takenBy: label,
  };
  await (await stores.forCluster(cluster, store)).put(record, path);
  return record;
}

const etcdState = async (address: string) => (await run(talos.talosServices, node(address))).find((s) => s.id === 'etcd')?.state;

beforeAll(async () => {
  const bundle = await newBundle();
  stack = await startTalosStack('etcd-restore');
  await secrets.write(
    talosconfigSecret(cluster),
    await generateTalosconfig(bundle, { contextName: 'omega', endpoints: controlPlanes, now: new Date() }),
  );
  for (const [i, address] of controlPlanes.entries()) {
    await createVm(stack.proxmox, { vmid: 930 + i, name: hostname(address), address });
    const config = machineConfig(bundle, { type: 'controlplane', cluster: 'omega', endpoint, hostname: hostname(address), address });
    await secrets.write(machineConfigSecret('default', hostname(address)), config);
  }
  for (const [i, address] of controlPlanes.entries()) {
    await waitForStage(stack, 930 + i, 'maintenance', 60_000);
    await run(talos.talosApplyConfig, { ...node(address), machine: hostname(address) });
  }
  for (const address of controlPlanes) await run(talos.talosWaitForApid, node(address));
  await run(talos.talosBootstrap, { cluster, controlPlaneAddresses: controlPlanes });
  await run(talos.talosWaitForEtcdRecovered, { cluster, addresses: controlPlanes });
  await run(talos.talosFetchKubeconfig, node(cp1));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(await secrets.read(kubeconfigSecret(cluster)));
  core = kubeConfig.makeApiClient(CoreV1Api);
  // The API answers at the shared IP once a control plane holds it.
  await eventually(() => core.listNamespacedConfigMap({ namespace: 'default' }), 60_000, 200);
  // The snapshot must hold every Node: a kubelet registers once per run, so a Node the snapshot
  // lacks stays missing after the restore (on a loaded machine the kubelets register late).
  for (const address of controlPlanes) await run(kubernetes.kubernetesWaitForNodeReady, { cluster, node: { name: hostname(address) } });
}, 180_000);
afterAll(async () => {
  await stack.stop();
  files.remove();
});

describe('etcd restore activities against the Talos simulator', () => {
  it('brings a deleted ConfigMap back: check, wipe, upload to one node, recovery bootstrap, every member back; each step twice', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kept' }, data: { answer: '42' } } });
    const record = await storeSnapshot('before-the-disaster');
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'kept' });
    const later = await storeSnapshot('after-the-delete');
    const good = readFileSync(storedFile(record.id));

    // Quorum lost for good: two members lose their data; the third still has its own.
    stack.talos.faults.etcdDataLost(cp2);
    stack.talos.faults.etcdDataLost(cp3);
    await eventually(async () => {
      expect(await etcdState(cp2)).toBe('Preparing');
      expect(await etcdState(cp3)).toBe('Preparing');
    }, 30_000);

    // Refused before any node is touched: a stored file that is not the one recorded (another
    // valid snapshot in its place), a corrupted one, an id the store does not have.
    const before = lastSeq();
    copyFileSync(storedFile(later.id), storedFile(record.id));
    const replaced = await expectFailure(
      () => run(restore.etcdSnapshotCheck, { cluster, store, id: record.id }),
      ErrorType.EtcdSnapshotInvalid,
    );
    expect(replaced.message).toContain(
      `etcd snapshot ${record.id} in ${join(storeDir, 'default', 'omega')} is not the file that was stored`,
    );
    const corrupted = Buffer.from(good);
    // The trailer's last byte: the database still reads, only its hash does not match.
    corrupted[corrupted.length - 1] = (corrupted.at(-1) ?? 0) ^ 0xff;
    writeFileSync(storedFile(record.id), corrupted);
    for (const call of [
      () => run(restore.etcdSnapshotCheck, { cluster, store, id: record.id }),
      () => run(restore.talosEtcdRecover, { cluster, store, id: record.id, address: cp1 }),
    ]) {
      const refused = await expectFailure(call, ErrorType.EtcdSnapshotInvalid);
      expect(refused.message).toMatch(new RegExp(`^etcd snapshot ${record.id} in .* is corrupt: its etcd sha256 trailer`));
    }
    const missing = await expectFailure(
      () => run(restore.etcdSnapshotCheck, { cluster, store, id: '20250101T000000Z-r1-gone' }),
      ErrorType.EtcdSnapshotNotFound,
    );
    expect(missing.message).toContain('`capstan etcd snapshots omega -n default` lists them');
    expect(etcdEventsSince(before)).toEqual([]);
    writeFileSync(storedFile(record.id), good);

    expect(await run(restore.etcdSnapshotCheck, { cluster, store, id: record.id })).toEqual(record);
    expect(await run(restore.etcdSnapshotCheck, { cluster, store, id: record.id })).toEqual(record);

    // The node that kept its data is wiped; the others count as wiped already; a retry changes nothing.
    expect(await run(talos.talosEtcdWipe, node(cp1))).toEqual({ outcome: 'wiped' });
    for (const address of controlPlanes) expect(await run(talos.talosEtcdWipe, node(address))).toEqual({ outcome: 'already-empty' });

    // An upload whose source breaks off is cancelled: the node keeps nothing. One Talos cannot
    // restore (sent past the checks, straight with the client) fails the recovery bootstrap for
    // good, with Talos' own message.
    const client = new TalosMachineClient(cp1, await clusterCredentials(secrets, cluster));
    try {
      const breaksOff = Readable.from(
        (function* () {
          yield corrupted.subarray(0, 4096);
          throw new Error('the store went away');
        })(),
      );
      await expect(client.etcdRecover(breaksOff)).rejects.toThrow('the store went away');
      expect(stack.talos.events.list({ type: 'etcd.snapshot-uploaded' })).toEqual([]);
      expect(await client.etcdRecover(Readable.from([corrupted]))).toEqual({ metadata: null });
    } finally {
      client.close();
    }
    const failed = await expectFailure(() => run(talos.talosEtcdRecoveryBootstrap, node(cp1)), ErrorType.EtcdRecoveryFailed);
    // Bootstrapping again restores the same upload again, and fails the same way.
    expect((await expectFailure(() => run(talos.talosEtcdRecoveryBootstrap, node(cp1)), ErrorType.EtcdRecoveryFailed)).message).toBe(
      failed.message,
    );
    expect(failed.message).toMatch(
      /^etcd on 127\.0\.93\.11 did not recover from the uploaded snapshot: Failed to run pre stage: error recovering from the snapshot: expected sha256/,
    );

    // The good snapshot, uploaded twice (a retry replaces the upload), restored once.
    const uploaded = stack.talos.events.list({ type: 'etcd.snapshot-uploaded' }).length;
    for (let i = 0; i < 2; i++) {
      expect(await run(restore.talosEtcdRecover, { cluster, store, id: record.id, address: cp1 })).toEqual({ record, bytes: record.size });
    }
    expect(
      stack.talos.events
        .list({ type: 'etcd.snapshot-uploaded' })
        .slice(uploaded)
        .map((e) => e.detail),
    ).toEqual([{ bytes: record.size }, { bytes: record.size }]);
    expect(await run(talos.talosEtcdRecoveryBootstrap, node(cp1))).toEqual({ outcome: 'recovered', node: cp1 });
    expect(await run(talos.talosEtcdRecoveryBootstrap, node(cp1))).toEqual({ outcome: 'already-recovered', node: cp1 });
    expect(stack.talos.events.list({ type: 'etcd.recovered' })).toHaveLength(1);

    for (let i = 0; i < 2; i++) {
      const members = await run(talos.talosWaitForEtcdRecovered, { cluster, addresses: controlPlanes });
      expect(members.map((m) => [m.hostname, m.isLearner]).sort()).toEqual(controlPlanes.map((a) => [hostname(a), false]));
    }
    const restored = await eventually(() => core.readNamespacedConfigMap({ namespace: 'default', name: 'kept' }), 60_000, 100);
    expect(restored.data).toEqual({ answer: '42' });
    // What a workflow waits on next: the API answers with the restored Nodes, Ready.
    for (const address of controlPlanes) {
      expect(await run(kubernetes.kubernetesWaitForNodeReady, { cluster, node: { name: hostname(address) } })).toMatchObject({
        name: hostname(address),
      });
    }
  }, 240_000);
});
