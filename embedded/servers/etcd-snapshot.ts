// A real etcd's snapshot and restore, as the simulated clusters' disaster recovery needs them:
// the snapshot through etcd's HTTP gateway (Maintenance.Snapshot, the same stream etcdctl reads
// over gRPC), the restore with etcdutl (the offline tool etcd ships for it).
import { execFile } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { kubeAssets, requireTool } from '../../tools/tool-paths.ts';

interface SnapshotMessage {
  readonly result?: { readonly blob?: string; readonly remaining_bytes?: string };
  readonly error?: { readonly message?: string };
}

function chunkOf(line: string): Buffer {
  const message = JSON.parse(line) as SnapshotMessage;
  if (message.error !== undefined) throw new Error(`etcd snapshot failed: ${message.error.message ?? line}`);
  return Buffer.from(message.result?.blob ?? '', 'base64');
}

/**
 * Streams etcd's snapshot: the gateway answers `POST /v3/maintenance/snapshot` with one JSON object
 * per line, `{"result":{"remaining_bytes":…,"blob":<base64>}}`; the blobs together are a bbolt db
 * followed by the 32-byte sha256 of it (what `etcdutl snapshot restore` checks).
 */
export async function* streamEtcdSnapshot(clientUrl: string): AsyncGenerator<Buffer> {
  const response = await fetch(`${clientUrl}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
  if (!response.ok || response.body === null) throw new Error(`etcd snapshot: ${response.status} ${await response.text()}`);
  const decoder = new TextDecoder();
  let pending = '';
  for await (const bytes of response.body as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(bytes, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield chunkOf(line);
      newline = pending.indexOf('\n');
    }
  }
  if (pending.trim() !== '') yield chunkOf(pending.trim());
}

/** `etcdutl snapshot status`: rejects with etcdutl's error when the file is not an etcd snapshot db (the trailer is not checked here). */
export function verifyEtcdSnapshot(snapshotFile: string): Promise<void> {
  return runEtcdutl(['snapshot', 'status', snapshotFile, '--write-out=json']);
}

/** What a single-member etcd restored from a snapshot is called and where its peers would reach it. */
export interface EtcdRestoreTarget {
  /** The member's data directory (etcd's `--data-dir`); must not exist yet. */
  readonly dataDir: string;
  readonly memberName: string;
  readonly peerUrl: string;
}

/**
 * `etcdutl snapshot restore`: a new one-member cluster from the snapshot. Rejects with etcdutl's own
 * error ("expected sha256 …", "snapshot missing hash but --skip-hash-check=false", …) and leaves
 * nothing behind.
 */
export async function restoreEtcdSnapshot(snapshotFile: string, target: EtcdRestoreTarget, skipHashCheck: boolean): Promise<void> {
  // etcdutl refuses an existing data dir, and a cut-short restore must not look like data.
  const scratch = `${target.dataDir}.restoring`;
  rmSync(scratch, { recursive: true, force: true });
  const args = [
    'snapshot',
    'restore',
    snapshotFile,
    `--data-dir=${scratch}`,
    `--name=${target.memberName}`,
    `--initial-cluster=${target.memberName}=${target.peerUrl}`,
    `--initial-advertise-peer-urls=${target.peerUrl}`,
    ...(skipHashCheck ? ['--skip-hash-check'] : []),
  ];
  try {
    await runEtcdutl(args);
    if (existsSync(target.dataDir)) throw new Error(`data-dir ${target.dataDir} exists: destroy the old data first`);
    renameSync(scratch, target.dataDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runEtcdutl(args: readonly string[]): Promise<void> {
  const etcdutl = requireTool(kubeAssets(), 'etcdutl');
  return new Promise<void>((resolve, reject) => {
    execFile(etcdutl, args, { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(etcdutlError(stderr) ?? error.message));
    });
  });
}

// etcdutl logs as JSON lines and ends a failure with `Error: <the error>`.
function etcdutlError(stderr: string): string | undefined {
  const line = stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('Error: '));
  return line?.slice('Error: '.length);
}
