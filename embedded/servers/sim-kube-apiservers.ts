import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeApiserverStarter, KubeApiserverStartRequest } from '../../sim/talos/index.ts';
import { startEtcd, type Etcd } from './etcd.ts';
import { streamEtcdSnapshot } from './etcd-snapshot.ts';
import { startKubeApiserver, type KubeApiserverOptions } from './kube-apiserver.ts';
import { startSimClusterApiserver } from './sim-cluster-apiserver.ts';

export interface SimKubeApiserversOptions {
  /** The shared etcd's data lives here. */
  readonly dataDir: string;
  /**
   * One etcd for every simulated cluster, each apiserver under its own --etcd-prefix: less memory
   * for fleet benchmarks, but a cluster's data can then be neither destroyed nor restored on its
   * own (etcd disaster recovery is refused). Default false: an etcd per cluster.
   */
  readonly sharedEtcd?: boolean;
  /** Keep etcd data durable (npm start); default: throwaway data, no fsync. */
  readonly persistent?: boolean;
  readonly logDir?: string;
  /** Extra kube-apiserver flags for every simulated cluster. */
  readonly extraArgs?: readonly string[];
}

/** The kube-apiserver starter the Talos simulator is given, plus the etcd it may share. */
export interface SimKubeApiservers {
  readonly start: KubeApiserverStarter;
  /** Process id of the shared etcd, once started. */
  etcdPid(): number | undefined;
  /** Every process it runs now (apiservers and etcds), each once: what the simulated clusters cost in memory. */
  processIds(): number[];
  /** Stops the shared etcd and any apiserver (with its etcd) still running; stop the Talos simulator first. */
  stop(): Promise<void>;
}

// The prefix must stay the same across restarts of one cluster and differ between clusters.
const prefixOf = (dataDir: string): string => `/capstan-sim/${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;

/** Starts kube-apiservers for simulated clusters on demand (envtest-style binaries, real processes). */
export function createSimKubeApiservers(options: SimKubeApiserversOptions): SimKubeApiservers {
  const shared = options.sharedEtcd ?? false;
  const unsafeNoFsync = !(options.persistent ?? false);
  let etcd: Promise<Etcd> | undefined;
  let etcdStarted: Etcd | undefined;
  const running = new Set<{ pids(): readonly number[]; stop(): Promise<void> }>();
  const logFile = (name: string) => (options.logDir ? { logFile: join(options.logDir, `${name}.log`) } : {});
  const sharedStore = (): Promise<Etcd> =>
    (etcd ??= startEtcd({
      name: 'etcd of the simulated clusters',
      dataDir: join(options.dataDir, 'etcd'),
      unsafeNoFsync,
      ...logFile('etcd-sim-clusters'),
    }).then((started) => (etcdStarted = started)));

  const startShared: KubeApiserverStarter = async (request) => {
    const store = await sharedStore();
    const apiserver = await startKubeApiserver({
      ...apiserverOptions(request, options, logFile),
      etcdUrl: store.clientUrl,
      etcdPrefix: prefixOf(request.dataDir),
    });
    const pids = () => [apiserver.process.pid];
    const handle = { pids, stop: () => apiserver.stop() };
    running.add(handle);
    return {
      url: apiserver.url,
      pids,
      // The snapshot is the shared etcd's, every cluster's data in it, as etcd streams it.
      etcd: { snapshot: () => streamEtcdSnapshot(store.clientUrl) },
      stop: async () => {
        running.delete(handle);
        await apiserver.stop();
      },
    };
  };

  const startOwn: KubeApiserverStarter = async (request) => {
    const pair = await startSimClusterApiserver({
      dataDir: request.dataDir,
      clusterName: request.clusterName,
      apiserver: apiserverOptions(request, options, logFile),
      unsafeNoFsync,
      logFile,
    });
    running.add(pair);
    return {
      url: pair.url,
      pids: () => pair.pids(),
      etcd: pair.etcd,
      stop: async () => {
        running.delete(pair);
        await pair.stop();
      },
    };
  };

  return {
    start: async (request) => {
      mkdirSync(request.dataDir, { recursive: true });
      return shared ? startShared(request) : startOwn(request);
    },
    etcdPid: () => etcdStarted?.process.pid,
    processIds: () => [...[...running].flatMap((r) => r.pids()), ...(etcdStarted ? [etcdStarted.process.pid] : [])],
    stop: async () => {
      // Stopping twice is harmless: a simulator that stopped its clusters left nothing here.
      await Promise.all([...running].map((r) => r.stop()));
      running.clear();
      const started = etcd;
      etcd = undefined;
      etcdStarted = undefined;
      if (started) await (await started).stop();
    },
  };
}

function apiserverOptions(
  request: KubeApiserverStartRequest,
  options: SimKubeApiserversOptions,
  logFile: (name: string) => { logFile?: string },
): Omit<KubeApiserverOptions, 'etcdUrl'> {
  return {
    name: `kube-apiserver of simulated cluster ${request.clusterName}`,
    dataDir: request.dataDir,
    port: request.port,
    bindAddress: request.bindAddress,
    serving: { certPem: request.servingCertPem, keyPem: request.servingKeyPem, caPem: request.clientCaPem },
    clientCaPem: request.clientCaPem,
    ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
    ...logFile(`kube-apiserver-${request.clusterName}`),
  };
}
