// etcd disaster recovery as Talos runs it (machined's EtcdRecover and Bootstrap, the etcd
// service's recoverFromSnapshot): EtcdRecover writes the uploaded snapshot to
// /var/lib/etcd.snapshot on the EPHEMERAL partition, replacing an earlier one; Bootstrap with
// recover_etcd answers at once and the etcd service then restores the file (etcd's snapshot
// manager, so the same checks as etcdutl) into the empty data directory as a one-member cluster
// and deletes the file. A failed restore leaves the etcd service Failed and the file in place.
// Control planes whose etcd waited with an empty data directory then join the recovered member.
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import { hostnameOf } from '../core/state.ts';
import type { SimCluster, SimNode } from '../core/state.ts';
import { clusterField } from '../core/clusters.ts';
import { newEtcdCluster, recordEtcd } from './etcd-reconcile.ts';
import { etcdClusterOfNode, lostForGood, primaryEtcd } from './etcd-view.ts';
import { requireControlPlane } from './membership.ts';
import { RecoveryFailure } from './recovery-failure.ts';
import { recoverySnapshotFile } from './recovery-snapshot-file.ts';

/** Where Talos keeps an uploaded snapshot (constants.EtcdRecoverySnapshotPath), as its errors name it. */
const talosSnapshotPath = '/var/lib/etcd.snapshot';

/** The node's etcd data directory is gone: etcd starts over empty and waits to join (or to be bootstrapped). */
export function loseEtcdData(ctx: TalosContext, node: SimNode, reason: string): void {
  const ec = etcdClusterOfNode(ctx, node);
  const cluster = [...ctx.clusters.values()].find((c) => ec !== undefined && c.etcdClusters.includes(ec));
  const memberId = node.etcd.memberId;
  node.etcd = { state: 'empty' };
  node.joinPending = false;
  ctx.events.append({
    type: 'etcd.data-lost',
    vmid: node.vmid,
    address: node.address,
    hostname: hostnameOf(node),
    ...(cluster === undefined ? clusterField(ctx, node) : { cluster: cluster.name }),
    detail: { reason, ...(ec === undefined ? {} : { etcdCluster: ec.id }), ...(memberId === undefined ? {} : { memberId }) },
  });
}

/** EtcdRecover: stores the uploaded chunks as the node's recovery snapshot (nothing is kept if the upload breaks off). */
export async function uploadRecoverySnapshot(ctx: TalosContext, node: SimNode, chunks: AsyncIterable<Buffer>): Promise<void> {
  requireControlPlane(node, 'etcd recover');
  const file = recoverySnapshotFile(ctx, node);
  mkdirSync(dirname(file), { recursive: true });
  try {
    await pipeline(Readable.from(chunks), createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
  ctx.events.append({
    type: 'etcd.snapshot-uploaded',
    vmid: node.vmid,
    address: node.address,
    hostname: hostnameOf(node),
    ...clusterField(ctx, node),
    detail: { bytes: statSync(file).size },
  });
}

/**
 * Bootstrap{recover_etcd}: checked like Bootstrap by the caller; refuses what the simulator cannot
 * do (a cluster whose etcd holds other clusters' data too, or one never bootstrapped), then restores
 * in the background as Talos' etcd service does.
 */
export function startRecovery(ctx: TalosContext, node: SimNode, cluster: SimCluster, skipHashCheck: boolean): void {
  if (ctx.clusterEtcd.ownsEtcd(cluster) === false)
    throw rpcError.failedPrecondition(
      'etcd recovery is not simulated here: the simulator shares one etcd among clusters (sharedEtcd or light mode), so one cluster cannot be restored on its own',
    );
  const primary = primaryEtcd(cluster);
  if (primary === undefined)
    throw rpcError.failedPrecondition(
      'etcd recovery is simulated only for a cluster bootstrapped before: bootstrap it without recover_etcd first',
    );
  const file = recoverySnapshotFile(ctx, node);
  const epoch = node.epoch;
  node.etcd = { state: 'recovering' };
  ctx.events.append({
    type: 'etcd.recovery-started',
    vmid: node.vmid,
    address: node.address,
    hostname: hostnameOf(node),
    cluster: cluster.name,
    detail: { skipHashCheck },
  });
  const fail = (message: string): void => {
    if (node.epoch !== epoch || node.etcd.state !== 'recovering') return;
    const failure = `Failed to run pre stage: ${message}`;
    node.etcd = { state: 'failed', failure };
    ctx.events.append({
      type: 'etcd.recovery-failed',
      vmid: node.vmid,
      address: node.address,
      hostname: hostnameOf(node),
      cluster: cluster.name,
      detail: { reason: failure },
    });
    ctx.changed();
  };
  const adopt = (): void => {
    const bytes = existsSync(file) ? statSync(file).size : 0;
    rmSync(file, { force: true });
    const lost = cluster.etcdClusters.filter((other) => lostForGood(ctx, other));
    const { ec, member } = newEtcdCluster(ctx, node);
    if (lost.includes(primary)) {
      // The restored cluster is the one the other control planes join from now on; the lost ones are gone.
      cluster.etcdClusters = [ec, ...cluster.etcdClusters.filter((other) => !lost.includes(other))];
      recordEtcd(ctx, cluster, 'etcd.recovered', ec, member, { snapshotBytes: bytes, replaced: lost.map((r) => r.id).join(',') });
    } else {
      const existing = cluster.etcdClusters.map((other) => other.id);
      cluster.etcdClusters.push(ec);
      recordEtcd(ctx, cluster, 'etcd.split-brain', ec, member, {
        existingEtcdClusters: existing.join(','),
        etcdClusters: existing.length + 1,
        fromSnapshot: true,
      });
    }
    ctx.changed();
  };
  ctx.changed();
  if (!existsSync(file)) {
    queueMicrotask(() => {
      fail(`error verifying snapshot: stat ${talosSnapshotPath}: no such file or directory`);
    });
    return;
  }
  if (!lostForGood(ctx, primary)) {
    // A live etcd cluster still holds the data: Talos would start a second one from the snapshot
    // (a split brain, as a second Bootstrap makes). The real etcd keeps serving the first.
    queueMicrotask(adopt);
    return;
  }
  ctx.clusterEtcd.restore(cluster, file, skipHashCheck, adopt).catch((error: unknown) => {
    fail(
      error instanceof RecoveryFailure
        ? error.talosMessage()
        : `error recovering from the snapshot: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}
