// Disaster recovery through the cluster workflow: scheduled etcd
// snapshots land in the worker's snapshot store under retention; a ConfigMap created, snapshotted
// and then deleted; etcd's data destroyed on every control plane → the cluster reports quorum lost
// for good; a restore of a corrupted snapshot blocks at its check before any node is touched; the
// restore of the good one supersedes it, and the ConfigMap is back with every control plane Ready.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesSecretStore } from '../../activities/kubernetes/secret-store.ts';
import { kubeconfigSecret } from '../../api/cluster-secrets.ts';
import { deleteClusterSignal, desiredClusterSignal } from '../../api/cluster-messages.ts';
import { etcdRestoreUpdate, etcdSnapshotsUpdate } from '../../api/etcd-messages.ts';
import { ErrorType } from '../../api/errors.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';

const cluster = 'omicron';
const ref = { namespace: 'default', name: cluster };
// Network 127.0.131: no other test file uses it.
const spec = simDesiredCluster(cluster, 131, {
  controlPlane: { replicas: 3, machine: simMachineShape },
  machineDeployments: [],
  etcdBackup: { intervalSeconds: 2, keepLast: 2, maxAgeSeconds: 0 },
  // The test asks for an observation with a new spec when it needs one.
  observeIntervalSeconds: 6 * 3600,
});

let stack: LifecycleStack;
let handle: ClusterHandle;
let probe: ClusterProbe;
let generation = spec.generation;
beforeAll(async () => {
  stack = await startLifecycleStack('etcd-dr', 'time-skipping', { followTestServerTime: true });
  handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec);
  probe = new ClusterProbe(handle);
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

async function workloadCore(): Promise<CoreV1Api> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(await new KubernetesSecretStore(stack.management.kubeConfig).read(kubeconfigSecret(ref)));
  return kubeConfig.makeApiClient(CoreV1Api);
}
const listSnapshots = () => handle.executeUpdate(etcdSnapshotsUpdate);
const scheduledBackups = async (): Promise<number> =>
  ((await handle.fetchHistory()).events ?? []).filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'talosBackupEtcd',
  ).length;
const talosEventsSince = (seq: number) => stack.talos.events.list().filter((e) => e.seq > seq && e.cluster === cluster);

describe('etcd backup and restore through the cluster workflow', { timeout: 600_000 }, () => {
  it('snapshots on its schedule once bootstrapped, keeping only what retention allows', async () => {
    await probe.settled(1);
    const first = await eventually(async () => {
      const last = (await probe.progress()).etcdBackup?.last;
      if (!last) throw new Error('no scheduled snapshot yet');
      return last;
    }, 60_000);
    expect(first).toMatchObject({ reason: 'scheduled', takenBy: 'schedule' });
    expect(first.revision).toBeGreaterThan(0);
    // Every 2 s: at least four taken, the newest two kept.
    await eventually(async () => {
      if ((await scheduledBackups()) < 4) throw new Error('fewer than four scheduled snapshots so far');
    }, 120_000);
    const listing = await listSnapshots();
    expect(listing.records).toHaveLength(2);
    expect(listing.records.every((r) => r.reason === 'scheduled' && r.id !== first.id)).toBe(true);
    expect(listing.location).toContain(stack.snapshotDir);
    const progress = await probe.progress();
    expect(progress.etcdBackup?.problem).toBeUndefined();
    expect(Date.parse(progress.etcdBackup?.last?.takenAt ?? '')).toBeGreaterThanOrEqual(Date.parse(listing.records.at(-1)?.takenAt ?? ''));
  });

  it('restores a ConfigMap deleted after the snapshot, once etcd lost its quorum for good; a corrupted snapshot is refused first, touching no node', async () => {
    const core = await workloadCore();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'keep-me' }, data: { answer: '42' } } });
    // The next scheduled snapshot holds the ConfigMap; then the schedule stops, so retention keeps it.
    const createdAt = Date.now();
    const good = await eventually(async () => {
      const newest = (await listSnapshots()).records.at(-1);
      if (!newest || Date.parse(newest.takenAt) <= createdAt + 1000) throw new Error('no snapshot since the ConfigMap yet');
      return newest;
    }, 60_000);
    generation += 1;
    await handle.signal(desiredClusterSignal, { ...spec, generation, etcdBackup: { ...spec.etcdBackup, intervalSeconds: 0 } });
    await core.deleteNamespacedConfigMap({ name: 'keep-me', namespace: 'default' });

    const faultAt = stack.talos.events.list().at(-1)?.seq ?? 0;
    stack.talos.faults.etcdDataLost('all');
    // A new generation makes the cluster workflow observe now.
    generation += 1;
    await handle.signal(desiredClusterSignal, { ...spec, generation, etcdBackup: { ...spec.etcdBackup, intervalSeconds: 0 } });
    const lost = await eventually(async () => {
      const now = await probe.progress();
      if (!now.etcdQuorumLost) throw new Error(`quorum loss not reported yet (${now.phase})`);
      return now;
    }, 120_000);
    expect(lost.etcdQuorumLost).toMatch(/^etcd lost its quorum for good: no control plane runs an etcd member/);
    expect(lost.etcdQuorumLost).toContain(`capstan etcd restore ${cluster}`);

    // A snapshot whose bytes were damaged in the store: the restore blocks at its check.
    const older = (await listSnapshots()).records.find((r) => r.id !== good.id);
    if (!older) throw new Error('retention kept only one snapshot');
    const file = join(stack.snapshotDir, 'default', cluster, `${older.id}.db`);
    const bytes = readFileSync(file);
    bytes[8192] = (bytes[8192] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const refusedAt = stack.talos.events.list().at(-1)?.seq ?? 0;
    expect(await handle.executeUpdate(etcdRestoreUpdate, { args: [{ snapshot: older.id }] })).toEqual({ snapshot: older.id });
    const blocked = await probe.blocked(120_000);
    expect(blocked.step).toBe(`check snapshot ${older.id}`);
    expect(blocked.errorType).toBe(ErrorType.EtcdSnapshotInvalid);
    // Only the fault's own consequences, which the simulator records as it notices them (late on a loaded machine).
    expect(talosEventsSince(refusedAt).filter((e) => e.type !== 'etcd.quorum-lost' && e.type !== 'etcd.data-destroyed')).toEqual([]);

    // The good snapshot supersedes the blocked restore.
    const unknown = await handle.executeUpdate(etcdRestoreUpdate, { args: [{ snapshot: 'no-such-snapshot' }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((unknown as WorkflowUpdateFailedError).cause?.message).toMatch(
      /^no snapshot no-such-snapshot is stored in .*; capstan etcd snapshots omicron lists what there is$/,
    );
    expect(await handle.executeUpdate(etcdRestoreUpdate, { args: [{ snapshot: good.id }] })).toEqual({ snapshot: good.id });
    const restored = await eventually(async () => {
      const now = await probe.progress();
      const done = now.recent.find((r) => r.kind === 'etcd-restore' && r.outcome === 'Succeeded');
      if (!done || now.phase !== 'Idle' || now.etcdQuorumLost) throw new Error(`not restored yet (${now.phase})`);
      return now;
    }, 300_000);
    expect(restored.recent.some((r) => r.kind === 'etcd-restore' && r.outcome.startsWith('Superseded'))).toBe(true);
    const configMap = await (await workloadCore()).readNamespacedConfigMap({ name: 'keep-me', namespace: 'default' });
    expect(configMap.data).toEqual({ answer: '42' });
    expect(restored.machines.filter((m) => m.role === 'control-plane' && m.ready)).toHaveLength(3);

    // The quorum loss was the fault's doing, and the restore's wipes are part of the cure.
    const fromFault = (e: { type: string; seq: number }) => e.type === 'etcd.quorum-lost' && e.seq > faultAt;
    const events = stack.talos.events.list().filter((e) => !fromFault(e));
    expect(invariantViolations(stack.proxmox.events.list(), events, { cluster })).toEqual([]);
  });

  it('deletes the restored cluster without a trace', async () => {
    await handle.signal(deleteClusterSignal);
    expect(await probe.deleted()).toEqual({ deleted: true });
    expect(stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`))).toEqual([]);
  });
});
