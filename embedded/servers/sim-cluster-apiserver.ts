// One simulated cluster's kube-apiserver on an etcd of its own: the pair whose data the Talos
// simulator can lose for good (every member's data wiped) and bring back from a snapshot, as
// Talos' etcd disaster recovery does. The apiserver restarts with its etcd, as a real one whose
// etcd came back with older data must (its watch cache would otherwise run ahead of etcd).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OwnClusterEtcd, SimClusterEtcd } from '../../sim/talos/index.ts';
import { etcdMemberDataDir, etcdMemberName, startEtcd, type Etcd } from './etcd.ts';
import { restoreEtcdSnapshot, streamEtcdSnapshot, verifyEtcdSnapshot } from './etcd-snapshot.ts';
import { startKubeApiserver, type KubeApiserver, type KubeApiserverOptions } from './kube-apiserver.ts';

export interface SimClusterApiserverOptions {
  /** The cluster's folder: etcd's data under `etcd/`, the apiserver's keys beside it. */
  readonly dataDir: string;
  readonly clusterName: string;
  /** The apiserver's options except its etcd. */
  readonly apiserver: Omit<KubeApiserverOptions, 'etcdUrl'>;
  readonly unsafeNoFsync: boolean;
  readonly logFile: (name: string) => { logFile?: string };
}

/** A running pair; `url` stays the same across destroy and restore. */
export interface SimClusterApiserver {
  readonly url: string;
  /** The processes running now (none while the data is destroyed). */
  pids(): number[];
  readonly etcd: SimClusterEtcd;
  stop(): Promise<void>;
}

/** Starts the cluster's etcd, then its apiserver against it. */
export async function startSimClusterApiserver(options: SimClusterApiserverOptions): Promise<SimClusterApiserver> {
  const etcdDir = join(options.dataDir, 'etcd');
  const startOwnEtcd = (ports: { clientPort?: number; peerPort?: number } = {}): Promise<Etcd> =>
    startEtcd({
      name: `etcd of simulated cluster ${options.clusterName}`,
      dataDir: etcdDir,
      unsafeNoFsync: options.unsafeNoFsync,
      ...ports,
      ...options.logFile(`etcd-${options.clusterName}`),
    });
  const startApiserver = (etcd: Etcd): Promise<KubeApiserver> => startKubeApiserver({ ...options.apiserver, etcdUrl: etcd.clientUrl });

  let etcd: Etcd | undefined = await startOwnEtcd();
  let apiserver: KubeApiserver | undefined;
  try {
    apiserver = await startApiserver(etcd);
  } catch (error) {
    await etcd.stop();
    throw error;
  }
  const url = apiserver.url;
  // The ports the pair keeps across a restore, so nothing outside needs to learn new ones.
  const ports = { clientPort: Number(new URL(etcd.clientUrl).port), peerPort: Number(new URL(etcd.peerUrl).port) };
  const peerUrl = etcd.peerUrl;
  // Destroy, restore and stop run one after another.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(op: () => Promise<T>): Promise<T> => {
    const next = queue.then(op);
    queue = next.catch(() => undefined);
    return next;
  };
  const stopBoth = async (): Promise<void> => {
    const [a, e] = [apiserver, etcd];
    apiserver = undefined;
    etcd = undefined;
    await a?.stop();
    await e?.stop();
  };

  const startAgain = async (): Promise<void> => {
    const restarted = await startOwnEtcd(ports);
    etcd = restarted;
    apiserver = await startApiserver(restarted);
  };
  const own: OwnClusterEtcd = {
    verify: verifyEtcdSnapshot,
    destroyData: () =>
      serially(async () => {
        await stopBoth();
        rmSync(etcdDir, { recursive: true, force: true });
      }),
    restore: (snapshotFile, { skipHashCheck }) =>
      serially(async () => {
        await stopBoth();
        rmSync(etcdDir, { recursive: true, force: true });
        mkdirSync(etcdDir, { recursive: true });
        const target = { dataDir: etcdMemberDataDir(etcdDir), memberName: etcdMemberName, peerUrl };
        await restoreEtcdSnapshot(snapshotFile, target, skipHashCheck);
        await startAgain();
      }),
    startEmpty: () =>
      serially(async () => {
        await stopBoth();
        rmSync(etcdDir, { recursive: true, force: true });
        await startAgain();
      }),
  };
  return {
    url,
    pids: () => [apiserver, etcd].flatMap((p) => (p === undefined ? [] : [p.process.pid])),
    etcd: {
      snapshot: () => {
        const running = etcd;
        if (running === undefined) throw new Error(`the etcd of simulated cluster ${options.clusterName} is not running`);
        return streamEtcdSnapshot(running.clientUrl);
      },
      own,
    },
    stop: () => serially(stopBoth),
  };
}
