import { X509Certificate } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { ErrorType } from '../../api/errors.ts';
import { SnapshotStoreSecretKey as Key, type SnapshotStoreRef } from '../../api/etcd-snapshots.ts';
import { parseSnapshotStoreSettings, type SnapshotStoreSettings } from '../../api/snapshot-store-settings.ts';
import { isNotFound } from '../../runtime/kubernetes-api-errors.ts';
import { failure } from '../failure.ts';
import { classifyKubernetesError } from '../kubernetes/kubernetes-errors.ts';
import { createDirectorySnapshotStore } from './directory-snapshot-store.ts';
import { createS3Client, createS3SnapshotStore } from './s3-snapshot-store.ts';
import type { SnapshotOwner } from './snapshot-layout.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** Which store a cluster's snapshots go to: one worker serves clusters with different buckets. */
export interface SnapshotStores {
  forCluster(owner: SnapshotOwner, ref: SnapshotStoreRef): Promise<SnapshotStore>;
}

export interface SnapshotStoresOptions {
  /** The worker's snapshot folder, for clusters whose policy names no bucket. */
  readonly directory: string;
  /** Where the store Secrets are read; without it only the worker's folder can be used. */
  readonly managementCluster?: KubeConfig;
  /** How long an S3 request may wait for a connection or idle for bytes (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * Stores built from the clusters' policies. An `s3` ref's Secret is read at every call, so a
 * rotated key is used by the next activity without a restart; its client (and connection pool)
 * is kept while the Secret's resourceVersion stays the same. Only the settings' names, never
 * their values, reach a message.
 */
export function snapshotStores(options: SnapshotStoresOptions): SnapshotStores {
  const core = options.managementCluster?.makeApiClient(CoreV1Api);
  const clients = new Map<
    string,
    { readonly resourceVersion: string; readonly settings: SnapshotStoreSettings; readonly client: S3Client }
  >();
  return {
    async forCluster(owner, ref) {
      if (ref.kind === 'worker-directory') return createDirectorySnapshotStore(options.directory, owner);
      const secret = `Secret ${ref.namespace}/${ref.secretName}`;
      if (core === undefined)
        throw failure(
          ErrorType.SnapshotStoreInvalid,
          `the etcd snapshot store of ${owner.namespace}/${owner.name} is ${secret}, but this worker has no management cluster to read it from`,
        );
      const found = await readSecret(core, ref, secret);
      const resourceVersion = found.metadata?.resourceVersion ?? '';
      let known = clients.get(secret);
      if (!known || resourceVersion === '' || known.resourceVersion !== resourceVersion) {
        // The old client is not destroyed: another activity may be uploading through it. Its idle
        // connections close when the store times them out.
        const settings = settingsFrom(secret, found.data);
        known = { resourceVersion, settings, client: createS3Client(settings, options.timeoutMs) };
        clients.set(secret, known);
      }
      return createS3SnapshotStore({ settings: known.settings, owner, secret, client: known.client });
    },
  };
}

/** The settings in a store Secret's `data` (base64, as the API returns it), or a failure naming every bad key. */
function settingsFrom(secret: string, data: Readonly<Record<string, string>> | undefined): SnapshotStoreSettings {
  const decoded = Object.fromEntries(
    Object.entries(data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
  );
  const parsed = parseSnapshotStoreSettings(decoded);
  const problems = 'problems' in parsed ? [...parsed.problems] : [];
  // The schema only sees PEM armour (api/ has no crypto); here the certificate itself is read.
  if ('settings' in parsed && parsed.settings.caBundle !== undefined && !isCertificate(parsed.settings.caBundle))
    problems.push(`key "${Key.caBundle}" is not a PEM certificate: set it to the CA that signed the endpoint's certificate`);
  if ('settings' in parsed && problems.length === 0) return parsed.settings;
  throw failure(ErrorType.SnapshotStoreInvalid, `${secret} (the cluster's etcd snapshot store) cannot be used: ${problems.join('; ')}`);
}

async function readSecret(core: CoreV1Api, ref: Extract<SnapshotStoreRef, { kind: 's3' }>, secret: string): Promise<V1Secret> {
  try {
    return await core.readNamespacedSecret({ namespace: ref.namespace, name: ref.secretName });
  } catch (error) {
    if (isNotFound(error))
      throw failure(
        ErrorType.SnapshotStoreInvalid,
        `${secret} (the cluster's etcd snapshot store) does not exist: create it with at least the key "bucket", or correct the cluster's etcd backup policy`,
      );
    throw classifyKubernetesError(error, `reading the etcd snapshot store ${secret}`);
  }
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
