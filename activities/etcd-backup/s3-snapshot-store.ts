import { Agent } from 'node:https';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import type { SnapshotStoreSettings } from '../../api/snapshot-store-settings.ts';
import { failure } from '../failure.ts';
import { classifyS3Error, type S3StoreContext } from './s3-errors.ts';
import { recordFromMetadata, recordMetadata } from './snapshot-metadata.ts';
import { snapshotFileName, snapshotIdOf, type SnapshotOwner } from './snapshot-layout.ts';
import type { SnapshotStore } from './snapshot-store.ts';

export interface S3SnapshotStoreOptions {
  readonly settings: SnapshotStoreSettings;
  readonly owner: SnapshotOwner;
  /** `Secret ns/name`, for messages. */
  readonly secret: string;
  /** The client of these settings (createS3Client): one per Secret version, shared by its clusters' stores. */
  readonly client: S3Client;
}

// S3's limit for one PutObject, 5 GiB.
const singlePutLimit = 5 * 1024 ** 3;
// How many HEADs `list` sends at once: a cluster keeps tens of snapshots, not thousands.
const headConcurrency = 8;

/**
 * One cluster's snapshots in an S3-compatible bucket: `<prefix>/<namespace>/<cluster>/<id>.db`,
 * the record's other fields in the object's user metadata (snapshot-metadata.ts). A listing is
 * one ListObjectsV2 for the keys and sizes plus one HEAD per snapshot for the metadata: S3 lists
 * no user metadata, and a record split over the key alone would not fit the sha256 and takenBy.
 * A cluster keeps tens of snapshots, so that is tens of small requests, sent eight at a time.
 * Every put is one PutObject of the file stream with its length and SHA-256 (the store checks the
 * bytes it got; S3 takes up to 5 GiB that way, and etcd's own limit is 8 GiB — see the note at
 * `put`); it appears whole or not at all. The SDK retries nothing (`maxAttempts: 1`): the
 * activity's retry policy owns retries, and a retried put could not replay a consumed stream.
 */
export function createS3SnapshotStore(options: S3SnapshotStoreOptions): SnapshotStore {
  const { settings, owner } = options;
  const folder = [settings.prefix, owner.namespace, owner.name].filter((part) => part !== '').join('/') + '/';
  const context: S3StoreContext = {
    bucket: settings.bucket,
    endpoint: settings.endpoint ?? `AWS S3 (${settings.region})`,
    secret: options.secret,
    secretCredentials: settings.accessKeyId !== undefined,
  };
  const { client } = options;
  const key = (id: string): string => `${folder}${snapshotFileName(id)}`;
  const call = async <T>(action: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw error instanceof ApplicationFailure ? error : classifyS3Error(error, action, context);
    }
  };

  return {
    location: `s3://${settings.bucket}/${folder.slice(0, -1)}`,

    // PutObject rather than a multipart upload: one request that either stores the whole file or
    // nothing, no parts to clean up after a crash, and nothing buffered in memory. S3's single-PUT
    // limit is 5 GiB; an etcd database can be configured up to 8 GiB (--quota-backend-bytes), so a
    // cluster that large would need lib-storage's multipart Upload here.
    async put(given, file) {
      const record = EtcdSnapshotRecord.parse(given);
      const { size } = await stat(file);
      if (size > singlePutLimit)
        throw failure(
          ErrorType.SnapshotStoreRequestRefused,
          `snapshot ${record.id} has ${size} bytes, more than the 5 GiB one S3 PutObject takes: compact and defragment etcd, or keep this cluster's snapshots in the worker's folder`,
        );
      await call(`storing snapshot ${record.id}`, () =>
        client.send(
          new PutObjectCommand({
            Bucket: settings.bucket,
            Key: key(record.id),
            Body: createReadStream(file),
            ContentLength: size,
            ContentType: 'application/octet-stream',
            ChecksumSHA256: Buffer.from(record.sha256, 'hex').toString('base64'),
            Metadata: recordMetadata(record),
            ...(settings.serverSideEncryption ? { ServerSideEncryption: settings.serverSideEncryption } : {}),
            ...(settings.kmsKeyId ? { SSEKMSKeyId: settings.kmsKeyId } : {}),
          }),
        ),
      );
    },

    async list() {
      const ids: string[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await call('listing snapshots', () =>
          client.send(
            new ListObjectsV2Command({
              Bucket: settings.bucket,
              Prefix: folder,
              Delimiter: '/',
              ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
            }),
          ),
        );
        for (const object of page.Contents ?? []) {
          const id = snapshotIdOf(object.Key?.slice(folder.length) ?? '');
          if (id !== undefined) ids.push(id);
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken);

      const records: EtcdSnapshotRecord[] = [];
      for (let start = 0; start < ids.length; start += headConcurrency) {
        const batch = await Promise.all(ids.slice(start, start + headConcurrency).map((id) => head(id)));
        records.push(...batch.filter((record) => record !== undefined));
      }
      return records.sort((a, b) => a.takenAt.localeCompare(b.takenAt) || a.id.localeCompare(b.id));
    },

    async get(id) {
      const answer = await call(`reading snapshot ${id}`, async () => {
        try {
          return await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key(id) }));
        } catch (error) {
          if ((error as { name?: unknown }).name === 'NoSuchKey') throw notFound(id);
          throw error;
        }
      });
      if (!(answer.Body instanceof Readable)) throw new Error(`reading snapshot ${id}: the S3 client returned no stream`);
      return answer.Body;
    },

    async remove(id) {
      await call(`removing snapshot ${id}`, () => client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key(id) })));
    },
  };

  function notFound(id: string): Error {
    return failure(ErrorType.EtcdSnapshotNotFound, `there is no etcd snapshot ${id} in s3://${settings.bucket}/${key(id)}`);
  }

  // The record of one listed object; undefined when it went away since the listing, or when it is
  // not one Capstan wrote (no or malformed metadata): a stray file in the folder is no snapshot.
  async function head(id: string): Promise<EtcdSnapshotRecord | undefined> {
    try {
      const answer = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key(id) }));
      return recordFromMetadata(id, answer.ContentLength ?? 0, answer.Metadata ?? {});
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw classifyS3Error(error, `reading the record of snapshot ${id}`, context);
    }
  }
}

/**
 * The S3 client a store Secret's settings describe. `timeoutMs` bounds the wait for a connection
 * and any idle wait for the next bytes (not the whole request: a large upload may take long).
 */
export function createS3Client(settings: SnapshotStoreSettings, timeoutMs = 30_000): S3Client {
  return new S3Client({
    region: settings.region,
    maxAttempts: 1,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      // The Secret's CA replaces the system's: the endpoint is trusted as the Secret says, no more.
      ...(settings.caBundle ? { httpsAgent: new Agent({ ca: settings.caBundle, keepAlive: true }) } : {}),
    }),
  });
}
