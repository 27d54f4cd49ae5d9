// etcd snapshots as Capstan keeps them: where they go, how long they stay, and what is known of
// each one. Every field of a record is read back from the store (its object key and metadata),
// so a listing is an observation, never a workflow's memory.
import { z } from 'zod';

/**
 * The Secret (in the cluster's namespace) that names an S3-compatible bucket. Keys: `bucket`
 * (required), `prefix`, `region` (default us-east-1), `endpoint` (for MinIO, Ceph RGW, SeaweedFS;
 * path-style addressing then), `accessKeyID` + `secretAccessKey` (absent: the worker's own AWS
 * credentials chain), `serverSideEncryption` (`AES256` or `aws:kms`), `sseKMSKeyID`, and `ca.crt`
 * (PEM of the CA that signed the endpoint's certificate).
 */
export const SnapshotStoreSecretKey = {
  bucket: 'bucket',
  prefix: 'prefix',
  region: 'region',
  endpoint: 'endpoint',
  accessKeyId: 'accessKeyID',
  secretAccessKey: 'secretAccessKey',
  serverSideEncryption: 'serverSideEncryption',
  kmsKeyId: 'sseKMSKeyID',
  caBundle: 'ca.crt',
} as const;

/** Where one cluster's snapshots go: a bucket named by a Secret, or the worker's snapshot folder. */
export const SnapshotStoreRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('s3'), namespace: z.string().min(1), secretName: z.string().min(1) }),
  z.object({ kind: z.literal('worker-directory') }),
]);
export type SnapshotStoreRef = z.infer<typeof SnapshotStoreRef>;

/** The per-cluster policy (Cluster annotations `capstan.dev/etcd-backup-*`). */
export const EtcdBackupPolicy = z.object({
  /** A scheduled snapshot this long after the last good one; 0 = only before control-plane changes. */
  intervalSeconds: z
    .number()
    .int()
    .min(0)
    .default(6 * 3600),
  /** Retention keeps the newest `keepLast`… */
  keepLast: z.number().int().min(1).default(10),
  /** …and, besides them, every snapshot younger than this. */
  maxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .default(24 * 3600),
  store: SnapshotStoreRef.default({ kind: 'worker-directory' }),
});
export type EtcdBackupPolicy = z.infer<typeof EtcdBackupPolicy>;
export type EtcdBackupPolicyInput = z.input<typeof EtcdBackupPolicy>;

/** What took a snapshot: a schedule, an operation before a control-plane change, or a person. */
export const SnapshotReason = z.enum(['scheduled', 'before-change', 'manual']);
export type SnapshotReason = z.infer<typeof SnapshotReason>;

/** One stored snapshot, verified when it was stored (etcd's sha256 trailer) and again before a restore. */
export const EtcdSnapshotRecord = z.object({
  /**
   * Unique within the cluster; sorts by time: `20261205T150000Z-r812-<label>`. A file name and an
   * object key segment: letters, digits, `.`, `_` and `-` only, so no id can reach outside its
   * cluster's folder or prefix.
   */
  id: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,199}$/),
  /** ISO 8601, UTC. */
  takenAt: z.string(),
  /** The etcd revision the snapshot holds. */
  revision: z.number().int().min(0),
  /** Bytes, trailer included. */
  size: z.number().int().min(0),
  /** Hex SHA-256 of the whole file as stored (not etcd's trailer, which covers all but the last 32 bytes). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  reason: SnapshotReason,
  /** The operation's workflow id, or `schedule`, or who asked. */
  takenBy: z.string(),
});
export type EtcdSnapshotRecord = z.infer<typeof EtcdSnapshotRecord>;

/** What the cluster workflow knows of its backups, carried across continue-as-new (plain JSON). */
export interface EtcdBackupCheck {
  /** The newest good snapshot the store listed, or the one just taken. */
  readonly last?: EtcdSnapshotRecord;
  /** The store, for messages (`s3://bucket/prefix/ns/name`, or a folder). */
  readonly location?: string;
  /** Why the last scheduled snapshot (or listing) failed; cleared by the next success. */
  readonly problem?: string;
  /** When the schedule looks again. */
  readonly nextAt?: string;
  /** The schedule's interval when it last looked (0: only before control-plane changes). */
  readonly intervalSeconds?: number;
}

/** The answer to `etcdSnapshots`: the store's listing, oldest first. */
export interface EtcdSnapshotListing {
  readonly records: readonly EtcdSnapshotRecord[];
  readonly location: string;
}
