import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { kubeAssets, requireTool } from '../../tools/tool-paths.ts';
import { freePort } from './free-port.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from './managed-process.ts';

export interface EtcdOptions {
  /** What errors and the process records call it (default `etcd`). */
  readonly name?: string;
  /** Keeps the data here; a second start on the same folder sees the first start's data. */
  readonly dataDir: string;
  readonly clientPort?: number;
  readonly peerPort?: number;
  /** Skips fsync: right for throwaway test data, wrong for data a user keeps. */
  readonly unsafeNoFsync?: boolean;
  readonly logFile?: string;
}

export interface Etcd {
  readonly clientUrl: string;
  readonly peerUrl: string;
  /** etcd's own `--data-dir` (inside the folder it was given). */
  readonly memberDataDir: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Starts a single-member etcd on 127.0.0.1 and waits until it reports healthy. */
export async function startEtcd(options: EtcdOptions): Promise<Etcd> {
  const binary = requireTool(kubeAssets(), 'etcd');
  const clientUrl = `http://127.0.0.1:${options.clientPort ?? (await freePort())}`;
  const peerUrl = `http://127.0.0.1:${options.peerPort ?? (await freePort())}`;
  mkdirSync(options.dataDir, { recursive: true });
  const memberDataDir = etcdMemberDataDir(options.dataDir);
  const child = startProcess({
    name: options.name ?? 'etcd',
    command: binary,
    args: [
      `--data-dir=${memberDataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--name=${etcdMemberName}`,
      `--initial-cluster=${etcdMemberName}=${peerUrl}`,
      '--log-level=warn',
      ...(options.unsafeNoFsync ? ['--unsafe-no-fsync'] : []),
    ],
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  try {
    await waitUntilReady(child, `${clientUrl}/health`, async () => {
      const response = await fetch(`${clientUrl}/health`);
      return response.ok && ((await response.json()) as { health?: string }).health === 'true';
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { clientUrl, peerUrl, memberDataDir, process: child, stop: () => child.stop() };
}

/** Where etcd keeps its data inside the folder startEtcd is given. */
export const etcdMemberDataDir = (dataDir: string): string => join(dataDir, 'member-data');

/** The member name startEtcd runs with (etcd's default `--name`): a restore must use the same. */
export const etcdMemberName = 'default';
