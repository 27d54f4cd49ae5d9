import { etcdSnapshotsUpdate } from '../../../api/etcd-messages.ts';
import { clusterWorkflowId } from '../../../api/ids.ts';
import type { EtcdSnapshotRecord } from '../../../api/etcd-snapshots.ts';
import type { CliContext } from '../context.ts';
import { runningCluster } from '../read/running-cluster.ts';
import { palette } from '../render/colors.ts';
import { since } from '../render/since.ts';
import { renderTable } from '../render/table.ts';
import { sendUpdate } from './operator-updates.ts';

/** Flags of `capstan etcd snapshots`. */
export interface EtcdSnapshotsOptions {
  readonly output?: 'text' | 'json' | undefined;
}

const size = (bytes: number): string =>
  bytes < 1024 ? `${bytes}B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)}Ki` : `${(bytes / 1024 ** 2).toFixed(1)}Mi`;

/** `capstan etcd snapshots <name>`: the cluster's stored snapshots, newest first, as its store lists them now. */
export async function etcdSnapshotsCommand(ctx: CliContext, name: string, options: EtcdSnapshotsOptions = {}): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const { temporal } = await runningCluster(ctx.clients, ref, 'list snapshots of');
  const listing = await sendUpdate(temporal, clusterWorkflowId(ref.namespace, ref.name), 'the snapshot listing', (h) =>
    h.executeUpdate(etcdSnapshotsUpdate),
  );
  if (options.output === 'json') {
    ctx.io.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  const now = ctx.io.now();
  const newestFirst = [...listing.records].reverse();
  if (newestFirst.length === 0) {
    ctx.io.stdout.write(`no etcd snapshots of ${ref.namespace}/${ref.name} in ${listing.location}\n`);
    return 0;
  }
  const row = (s: EtcdSnapshotRecord): string[] => [s.id, since(s.takenAt, now), String(s.revision), size(s.size), s.reason, s.takenBy];
  const colors = palette(ctx.io.color);
  const lines = renderTable(['ID', 'AGE', 'REVISION', 'SIZE', 'REASON', 'TAKEN BY'], newestFirst.map(row), colors.bold);
  ctx.io.stdout.write(`${lines.join('\n')}\n${newestFirst.length} snapshot(s) in ${listing.location}\n`);
  return 0;
}
