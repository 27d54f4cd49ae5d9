import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import { writeAtomically, type WrittenFile } from '../machine-api/write-atomically.ts';
import {
  activityCallOptions,
  clusterCredentials,
  heartbeat,
  withClient,
  type TalosActivityDeps,
  type TalosNodeRef,
} from './talos-session.ts';

/** Snapshot the etcd member of the node at `address` into `path` on the worker. */
export interface EtcdSnapshotInput extends TalosNodeRef {
  readonly path: string;
}

/**
 * Streams the node's etcd snapshot to `path`, atomically (a partial download never replaces a
 * good file), heartbeating as bytes arrive. Returns size and SHA-256 for the record, not data.
 */
export async function snapshotEtcd(deps: TalosActivityDeps, input: EtcdSnapshotInput): Promise<WrittenFile> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  return classifiedTalos(`snapshotting etcd on ${input.address}`, () =>
    // The SDK throttles heartbeats, so one per chunk costs nothing.
    withClient(input.address, credentials, (client) =>
      writeAtomically(input.path, client.etcdSnapshot(undefined, activityCallOptions(10 * 60_000)), (bytes) => {
        heartbeat({ address: input.address, bytes });
      }),
    ),
  );
}
