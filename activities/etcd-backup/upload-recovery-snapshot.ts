import { createReadStream } from 'node:fs';
import type { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import { classifiedTalos } from '../talos/machine-api/classify-talos-error.ts';
import {
  activityCallOptions,
  clusterCredentials,
  heartbeat,
  withClient,
  type TalosActivityDeps,
} from '../talos/operations/talos-session.ts';
import { withVerifiedSnapshot, type StoredSnapshotRef, type VerifiedSnapshotDeps } from './verified-snapshot.ts';

/** Upload one stored snapshot to one control plane, for its recovery bootstrap. */
export interface UploadRecoverySnapshotInput extends StoredSnapshotRef {
  /** The control plane that will be bootstrapped from it; its etcd data directory is empty. */
  readonly address: string;
}

export interface UploadRecoverySnapshotResult {
  readonly record: EtcdSnapshotRecord;
  readonly bytes: number;
}

/**
 * Downloads and verifies the snapshot again (each attempt checks the very bytes it sends, so a
 * retry cannot upload a different file than the check passed), then streams it to the node with
 * EtcdRecover, heartbeating the bytes sent. Talos keeps one uploaded snapshot per node and a new
 * upload replaces it, so a retry after a lost reply just uploads the same file again.
 */
export async function uploadRecoverySnapshot(
  deps: TalosActivityDeps & VerifiedSnapshotDeps,
  input: UploadRecoverySnapshotInput,
): Promise<UploadRecoverySnapshotResult> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  return withVerifiedSnapshot(
    deps,
    input,
    (bytes) => {
      heartbeat({ snapshot: input.id, downloaded: bytes });
    },
    async ({ record, path }) => {
      await classifiedTalos(`uploading etcd snapshot ${input.id} to ${input.address}`, () =>
        withClient(input.address, credentials, (client) =>
          client.etcdRecover(
            createReadStream(path, { highWaterMark: 1024 * 1024 }),
            (sent) => {
              heartbeat({ snapshot: input.id, address: input.address, sent, of: record.size });
            },
            undefined,
            activityCallOptions(10 * 60_000),
          ),
        ),
      );
      return { record, bytes: record.size };
    },
  );
}
