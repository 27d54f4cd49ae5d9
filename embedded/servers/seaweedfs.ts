import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { requireTool, seaweedfsDir } from '../../tools/tool-paths.ts';
import { freePort } from './free-port.ts';
import { createLoopbackTls } from './loopback-tls.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from './managed-process.ts';
import { makeTempDir } from './temp-dir.ts';

export interface SeaweedfsOptions {
  /** What errors and the process records call it (default `seaweedfs`). */
  readonly name?: string;
  /** Serves S3 over HTTPS with a certificate of a CA of its own (default true). */
  readonly tls?: boolean;
  readonly logFile?: string;
}

/** A running SeaweedFS whose S3 API knows one identity; it holds no bucket until a test makes one. */
export interface Seaweedfs {
  /** `https://127.0.0.1:<port>` (or http://). */
  readonly endpoint: string;
  /** The CA that signed the S3 certificate, PEM; undefined without TLS. */
  readonly caPem: string | undefined;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** Its own folder (data, config, sockets); stop() removes it. */
  readonly dataDir: string;
  readonly process: ManagedProcess;
  /** An S3 client with the identity's credentials, for a test's own setup and checks. */
  client(): S3Client;
  /** Ends the process and removes its data folder. */
  stop(): Promise<void>;
}

const host = '127.0.0.1';

/**
 * Starts `weed server -s3` (master, volume server, filer and S3 gateway in one process) on
 * 127.0.0.1 with its data in a fresh folder, and waits until S3 answers the identity and a volume
 * server has room for writes. SSE-S3 (AES256) works: the key-encryption key is a fresh random one,
 * given as SeaweedFS's WEED_S3_SSE_KEK. Telemetry and the Iceberg and Lance endpoints are off, and
 * sockets and logs stay in the data folder (the gRPC sockets SeaweedFS fixes under /tmp are
 * removed), so stop() leaves nothing behind.
 */
export async function startSeaweedfs(options: SeaweedfsOptions = {}): Promise<Seaweedfs> {
  const binary = requireTool(seaweedfsDir(), 'weed');
  const name = options.name ?? 'seaweedfs';
  const dir = makeTempDir(name);
  const ports = await distinctFreePorts(8);
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const accessKeyId = `CAPSTAN${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const tls = options.tls === false ? undefined : await createLoopbackTls(name);
  mkdirSync(join(dir.path, 'data'));
  const s3Config = join(dir.path, 's3.json');
  writeFileSync(
    s3Config,
    JSON.stringify({
      identities: [
        {
          name: 'capstan',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'],
        },
      ],
    }),
    { mode: 0o600 },
  );
  const tlsArgs: string[] = [];
  if (tls) {
    writeFileSync(join(dir.path, 's3.crt'), tls.certPem);
    writeFileSync(join(dir.path, 's3.key'), tls.keyPem, { mode: 0o600 });
    tlsArgs.push(`-s3.cert.file=${join(dir.path, 's3.crt')}`, `-s3.key.file=${join(dir.path, 's3.key')}`);
  }
  const child = startProcess({
    name,
    command: binary,
    args: [
      // glog writes files to the temp dir unless told to use stderr only.
      '-logtostderr=true',
      'server',
      `-ip=${host}`,
      `-ip.bind=${host}`,
      `-dir=${join(dir.path, 'data')}`,
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      '-master.telemetry=false',
      // Small volumes, many allowed: every bucket is a collection that grows volumes of its own.
      '-master.volumeSizeLimitMB=256',
      '-volume.max=64',
      `-volume.port=${volume}`,
      // No grace for clients to move to other volume servers: there are none, and stop() would wait it out.
      '-volume.preStopSeconds=0',
      `-volume.port.grpc=${volumeGrpc}`,
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      `-filer.localSocket=${join(dir.path, 'filer.sock')}`,
      '-s3',
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      `-s3.localSocket=${join(dir.path, 's3.sock')}`,
      `-s3.config=${s3Config}`,
      // As on AWS: a write to a bucket nobody made fails rather than making it.
      '-s3.autoCreateBucket=false',
      ...tlsArgs,
    ],
    cwd: dir.path,
    // On SIGTERM `weed server` stops its filer and volume server but its master keeps the process
    // alive; the data is a test's throwaway, so the SIGKILL comes soon.
    stopGraceMs: 3_000,
    env: {
      WEED_S3_SSE_KEK: randomBytes(32).toString('hex'),
      // One volume at a time per collection, so buckets do not claim every slot at once.
      WEED_MASTER_VOLUME_GROWTH_COPY_1: '1',
    },
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });

  const endpoint = `${tls ? 'https' : 'http'}://${host}:${s3}`;
  const client = (): S3Client =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      ...(tls ? { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: tls.caPem }) }) } : {}),
    });
  const stop = async (): Promise<void> => {
    await child.stop();
    dir.remove();
    // `weed server` puts a socket per gRPC service at a fixed path under /tmp (not the data
    // folder, and no flag moves it) and leaves it there on exit.
    for (const [service, port] of Object.entries({ master: masterGrpc, volume: volumeGrpc, filer: filerGrpc, s3: s3Grpc }))
      rmSync(`/tmp/seaweedfs-${service}-grpc-${port}.sock`, { force: true });
  };
  try {
    const probe = client();
    await waitUntilReady(child, `S3 on ${endpoint} and a writable volume server`, async () => {
      await probe.send(new ListBucketsCommand({}));
      const status = (await (await fetch(`http://${host}:${master}/dir/status`)).json()) as { Topology?: { Free?: number } };
      return (status.Topology?.Free ?? 0) > 0;
    });
    probe.destroy();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    caPem: tls?.caPem,
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    dataDir: dir.path,
    process: child,
    client,
    stop,
  };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}
