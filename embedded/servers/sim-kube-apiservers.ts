import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeApiserverStarter } from '../../sim/talos/index.ts';
import { startEtcd, type Etcd } from './etcd.ts';
import { startKubeApiserver } from './kube-apiserver.ts';

export interface SimKubeApiserversOptions {
  /** The shared etcd's data lives here. */
  readonly dataDir: string;
  /** One etcd for every simulated cluster, each apiserver under its own --etcd-prefix (default true). */
  readonly sharedEtcd?: boolean;
  /** Keep etcd data durable (npm start); default: throwaway data, no fsync. */
  readonly persistent?: boolean;
  readonly logDir?: string;
  /** Extra kube-apiserver flags for every simulated cluster. */
  readonly extraArgs?: readonly string[];
}

/** The kube-apiserver starter the Talos simulator is given, plus the etcd it shares. */
export interface SimKubeApiservers {
  readonly start: KubeApiserverStarter;
  /** Process id of the shared etcd, once started. */
  etcdPid(): number | undefined;
  /** Every process it runs now (apiservers and etcds), each once: what the simulated clusters cost in memory. */
  processIds(): number[];
  /** Stops the shared etcd; stop the Talos simulator (and so its apiservers) first. */
  stop(): Promise<void>;
}

// The prefix must stay the same across restarts of one cluster and differ between clusters.
const prefixOf = (dataDir: string): string => `/capstan-sim/${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;

/** Starts kube-apiservers for simulated clusters on demand (envtest-style binaries, real processes). */
export function createSimKubeApiservers(options: SimKubeApiserversOptions): SimKubeApiservers {
  const shared = options.sharedEtcd ?? true;
  let etcd: Promise<Etcd> | undefined;
  let etcdStarted: Etcd | undefined;
  const running = new Map<object, readonly number[]>();
  const logFile = (name: string) => (options.logDir ? { logFile: join(options.logDir, `${name}.log`) } : {});
  const startOwnEtcd = (dataDir: string, name: string, logName: string): Promise<Etcd> =>
    startEtcd({ name, dataDir, unsafeNoFsync: !(options.persistent ?? false), ...logFile(logName) });
  return {
    start: async (request) => {
      mkdirSync(request.dataDir, { recursive: true });
      const own = shared
        ? undefined
        : await startOwnEtcd(
            join(request.dataDir, 'etcd'),
            `etcd of simulated cluster ${request.clusterName}`,
            `etcd-${request.clusterName}`,
          );
      const sharedStore = (): Promise<Etcd> =>
        (etcd ??= startOwnEtcd(join(options.dataDir, 'etcd'), 'etcd of the simulated clusters', 'etcd-sim-clusters').then(
          (started) => (etcdStarted = started),
        ));
      const store = own ?? (await sharedStore());
      try {
        const apiserver = await startKubeApiserver({
          name: `kube-apiserver of simulated cluster ${request.clusterName}`,
          etcdUrl: store.clientUrl,
          dataDir: request.dataDir,
          port: request.port,
          bindAddress: request.bindAddress,
          serving: { certPem: request.servingCertPem, keyPem: request.servingKeyPem, caPem: request.clientCaPem },
          clientCaPem: request.clientCaPem,
          ...(shared ? { etcdPrefix: prefixOf(request.dataDir) } : {}),
          ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
          ...logFile(`kube-apiserver-${request.clusterName}`),
        });
        const pids = own ? [apiserver.process.pid, own.process.pid] : [apiserver.process.pid];
        const handle = {};
        running.set(handle, pids);
        return {
          url: apiserver.url,
          pids,
          stop: async () => {
            running.delete(handle);
            await apiserver.stop();
            await own?.stop();
          },
        };
      } catch (error) {
        await own?.stop();
        throw error;
      }
    },
    etcdPid: () => etcdStarted?.process.pid,
    processIds: () => [...[...running.values()].flat(), ...(etcdStarted ? [etcdStarted.process.pid] : [])],
    stop: async () => {
      const started = etcd;
      etcd = undefined;
      etcdStarted = undefined;
      if (started) await (await started).stop();
    },
  };
}
