import { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';

// The object's user metadata (x-amz-meta-*) that carries a record beside its key and size. S3
// sends metadata as HTTP headers, so free text (takenBy) is percent-encoded to stay ASCII.
const field = {
  takenAt: 'capstan-taken-at',
  revision: 'capstan-revision',
  sha256: 'capstan-sha256',
  reason: 'capstan-reason',
  takenBy: 'capstan-taken-by',
} as const;

/** The user metadata a snapshot object is stored with. */
export function recordMetadata(record: EtcdSnapshotRecord): Record<string, string> {
  return {
    [field.takenAt]: record.takenAt,
    [field.revision]: String(record.revision),
    [field.sha256]: record.sha256,
    [field.reason]: record.reason,
    [field.takenBy]: encodeURIComponent(record.takenBy),
  };
}

/**
 * The record an object's key, size and user metadata describe; undefined when the metadata is not
 * one Capstan wrote. S3 returns metadata names in lower case, as they are written.
 */
export function recordFromMetadata(id: string, size: number, metadata: Readonly<Record<string, string>>): EtcdSnapshotRecord | undefined {
  const takenBy = metadata[field.takenBy];
  const revision = metadata[field.revision];
  let decodedTakenBy: string | undefined;
  try {
    decodedTakenBy = takenBy === undefined ? undefined : decodeURIComponent(takenBy);
  } catch {
    return undefined;
  }
  const parsed = EtcdSnapshotRecord.safeParse({
    id,
    takenAt: metadata[field.takenAt],
    revision: revision === undefined || !/^\d+$/.test(revision) ? undefined : Number(revision),
    size,
    sha256: metadata[field.sha256],
    reason: metadata[field.reason],
    takenBy: decodedTakenBy,
  });
  return parsed.success ? parsed.data : undefined;
}
