// Each bootstrapped cluster gets a real kube-apiserver (from the injected starter) serving a
// certificate of the cluster's Kubernetes CA, plus the agent that plays kubelets and controllers
// against it. While etcd has quorum it answers where a real cluster's would: at a shared IP on
// the control plane holding it (port 6443, where every control plane's apiserver listens), or at
// an endpoint the embedding declared an external load balancer. Anywhere else, nothing listens.
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ClusterEtcdAccess, TalosContext } from '../core/context.ts';
import { clusterOf } from '../core/clusters.ts';
import type { SimCluster } from '../core/state.ts';
import { servicesReady } from '../node/lifecycle.ts';
import { lostForGood, primaryEtcd } from '../etcd/etcd-view.ts';
import { RecoveryFailure } from '../etcd/recovery-failure.ts';
import { issueCertificate } from '../pki/issue-certificate.ts';
import type { KubeApiserverStarter, StartedKubeApiserver } from '../options.ts';
import { startClusterAgent } from './cluster-agent.ts';
import { clusterScope } from './cluster-scope.ts';
import type { ClusterAgent } from './cluster-agent.ts';
import { createEndpointListeners } from './endpoint-listeners.ts';
import type { EndpointListeners } from './endpoint-listeners.ts';
import { kubeApis } from './kube-client.ts';
import type { WorkloadOptions } from './workloads.ts';

interface Entry {
  apiserver?: StartedKubeApiserver;
  listeners?: EndpointListeners;
  agent?: ClusterAgent;
  starting: Promise<void>;
  /** The cluster's real etcd data was deleted (quorum lost for good); settles when it is gone. */
  destroyed?: Promise<void>;
  /** etcd and the apiserver are starting again on an empty data directory: the API waits for them. */
  restarting?: boolean;
}

/** Where kube-apiserver listens on every control plane (Talos `cluster.controlPlane.localAPIServerPort`, default 6443). */
const localApiServerPort = 6443;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

const isIp = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

/** Starts and stops apiservers and agents as clusters are bootstrapped and lose or regain quorum. */
export function createKubeApiManager(
  ctx: TalosContext,
  starter: KubeApiserverStarter,
  dataDir: string,
  workload: WorkloadOptions,
  externalLoadBalancers: readonly string[] = [],
  sharedKubernetes = false,
) {
  const entries = new Map<string, Entry>();

  const warn = (cluster: SimCluster, message: string): void => {
    ctx.events.append({ type: 'sim.warning', cluster: cluster.name, detail: { message } });
  };

  const start = async (cluster: SimCluster, entry: Entry): Promise<void> => {
    const caKey = cluster.k8sCa.keyPem;
    if (caKey === undefined) throw new Error('no Kubernetes CA key in any control-plane config');
    const ca = { certPem: cluster.k8sCa.certPem, keyPem: caKey };
    const endpoint = new URL(cluster.endpoint);
    const host = endpoint.hostname;
    const serving = await issueCertificate(ca, {
      commonName: 'kube-apiserver',
      dnsNames: [
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        'localhost',
        ...(isIp(host) ? [] : [host]),
      ],
      ipAddresses: ['127.0.0.1', '10.0.0.1', '10.96.0.1', ...(isIp(host) ? [host] : [])],
      usage: 'server',
    });
    const port = await freePort();
    const safeName = cluster.key.replace(/[^a-zA-Z0-9.-]/g, '-');
    entry.apiserver = await starter({
      clusterName: cluster.name,
      bindAddress: '127.0.0.1',
      port,
      servingCertPem: serving.certPem,
      servingKeyPem: serving.keyPem,
      clientCaPem: cluster.k8sCa.certPem,
      dataDir: join(dataDir, 'clusters', safeName),
    });
    if (ctx.stopped()) return;
    cluster.apiserverUrl = entry.apiserver.url;
    if (!host.startsWith('127.'))
      warn(cluster, `endpoint ${cluster.endpoint} is outside 127.0.0.0/8: the Kubernetes API is only reachable at ${entry.apiserver.url}`);
    entry.listeners = createEndpointListeners('127.0.0.1', port, (message) => {
      warn(cluster, message);
    });
    const client = await issueCertificate(ca, { commonName: 'capstan-talos-sim', organizations: ['system:masters'], usage: 'client' });
    const apis = kubeApis(entry.apiserver.url, cluster.k8sCa.certPem, client);
    entry.agent = startClusterAgent(ctx, cluster, apis, clusterScope(cluster, sharedKubernetes), workload);
    reconcile();
  };

  // A load balancer in front of the cluster forwards while some control plane's apiserver runs.
  const loadBalanced = (cluster: SimCluster): { host: string; port: number } | undefined => {
    const endpoint = new URL(cluster.endpoint);
    const port = Number(endpoint.port || 443);
    if (!externalLoadBalancers.includes(`${endpoint.hostname}:${port}`)) return undefined;
    const serving = [...ctx.nodes.values()].some(
      (node) => node.config?.machineType === 'controlplane' && clusterOf(ctx, node) === cluster && servicesReady(node),
    );
    return serving ? { host: endpoint.hostname, port } : undefined;
  };

  // Where the API answers now: nowhere without quorum; else at each held shared IP (a new
  // holder is a new listener: connections to the old one break) and behind a declared load balancer.
  const wantedListeners = (cluster: SimCluster): { key: string; host: string; port: number }[] => {
    if (!cluster.apiAvailable) return [];
    const held = Object.values(cluster.sharedIps).flatMap((election) =>
      election.holder === undefined
        ? []
        : [{ key: `${election.ip}:${localApiServerPort}@${election.holder}`, host: election.ip, port: localApiServerPort }],
    );
    const balanced = loadBalanced(cluster);
    const all = balanced === undefined ? held : [...held, { key: `${balanced.host}:${balanced.port}@lb`, ...balanced }];
    return all.filter((listener) => listener.host.startsWith('127.'));
  };

  // The API is up while the first etcd cluster has quorum (a majority of control planes runs).
  const setAvailability = (cluster: SimCluster, entry: Entry): void => {
    const want = entry.apiserver !== undefined && entry.restarting !== true && primaryEtcd(cluster)?.quorum === true;
    if (want !== cluster.apiAvailable) {
      cluster.apiAvailable = want;
      ctx.events.append({ type: want ? 'k8s.api-up' : 'k8s.api-down', cluster: cluster.name, detail: { endpoint: cluster.endpoint } });
      if (want) entry.agent?.poke();
    }
    entry.listeners?.set(wantedListeners(cluster));
  };

  // No member's data survives: the real etcd's data goes too (only a cluster with an etcd of its
  // own; a shared etcd keeps every cluster's data and the loss stays modelled).
  const destroyWhenLost = (cluster: SimCluster, entry: Entry): void => {
    const own = entry.apiserver?.etcd.own;
    if (own === undefined || entry.destroyed !== undefined || !lostForGood(ctx, primaryEtcd(cluster))) return;
    entry.destroyed = own.destroyData().then(
      () => {
        ctx.events.append({ type: 'etcd.data-destroyed', cluster: cluster.name, detail: { reason: 'no etcd member holds data any more' } });
      },
      (error: unknown) => {
        warn(cluster, `could not destroy the etcd data: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  };

  // A cluster whose machines are all gone takes its apiserver with it (npm start runs for days).
  const retire = (key: string, entry: Entry): void => {
    entries.delete(key);
    void entry.starting.then(async () => {
      await entry.agent?.retire();
      await entry.listeners?.closeAll();
      await entry.apiserver?.stop();
    });
  };

  function reconcile(): void {
    for (const [key, entry] of entries) if (!ctx.clusters.has(key)) retire(key, entry);
    for (const cluster of ctx.clusters.values()) {
      const entry = entries.get(cluster.key);
      if (entry === undefined) {
        if (cluster.etcdClusters.length === 0) continue;
        const created: Entry = { starting: Promise.resolve() };
        created.starting = start(cluster, created).catch((error: unknown) => {
          warn(cluster, `kube-apiserver did not start: ${error instanceof Error ? error.message : String(error)}`);
        });
        entries.set(cluster.key, created);
        continue;
      }
      setAvailability(cluster, entry);
      destroyWhenLost(cluster, entry);
    }
  }

  const startedEntry = async (cluster: SimCluster): Promise<Entry & { apiserver: StartedKubeApiserver }> => {
    const entry = entries.get(cluster.key);
    await entry?.starting;
    const apiserver = entry?.apiserver;
    if (entry === undefined || apiserver === undefined) throw new Error(`cluster ${cluster.name} has no running kube-apiserver and etcd`);
    return Object.assign(entry, { apiserver });
  };

  const etcd: ClusterEtcdAccess = {
    snapshot: async function* (cluster) {
      const entry = await startedEntry(cluster);
      yield* entry.apiserver.etcd.snapshot();
    },
    ownsEtcd: (cluster) => {
      const apiserver = entries.get(cluster.key)?.apiserver;
      return apiserver === undefined ? undefined : apiserver.etcd.own !== undefined;
    },
    restore: async (cluster, snapshotFile, skipHashCheck, adopt) => {
      const entry = await startedEntry(cluster);
      const own = entry.apiserver.etcd.own;
      if (own === undefined) throw new Error('the simulator shares one etcd among clusters');
      await entry.destroyed;
      const step = async (name: 'verify' | 'restore', run: () => Promise<void>): Promise<void> => {
        try {
          await run();
        } catch (error) {
          throw new RecoveryFailure(name, error instanceof Error ? error.message : String(error));
        }
      };
      await step('verify', () => own.verify(snapshotFile));
      await step('restore', () => own.restore(snapshotFile, { skipHashCheck }));
      adopt();
      delete entry.destroyed;
      reconcile();
    },
    startEmpty: (cluster) => {
      const entry = entries.get(cluster.key);
      const own = entry?.apiserver?.etcd.own;
      if (entry === undefined || own === undefined) return;
      entry.restarting = true;
      const destroyed = entry.destroyed;
      delete entry.destroyed;
      void (destroyed ?? Promise.resolve())
        .then(() => own.startEmpty())
        .catch((error: unknown) => {
          warn(cluster, `etcd did not start again: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => {
          delete entry.restarting;
          reconcile();
        });
    },
  };

  return {
    reconcile,
    etcd,
    /** Deletes a Node of a cluster the way `kubectl delete node` does. */
    deleteNode: async (cluster: SimCluster, name: string): Promise<void> => {
      const entry = entries.get(cluster.key);
      await entry?.starting;
      const agent = entry?.agent;
      if (agent === undefined) throw new Error(`cluster ${cluster.name} has no Kubernetes API yet (not bootstrapped)`);
      await agent.deleteNode(name);
    },
    /** Nudges every agent to run a pass now. */
    poke: () => {
      for (const entry of entries.values()) entry.agent?.poke();
    },
    /** Process ids of every apiserver started so far, each once (in light mode the clusters share one). */
    pids: (): number[] => [...new Set([...entries.values()].flatMap((e) => e.apiserver?.pids() ?? []))],
    stop: async () => {
      await Promise.all(
        [...entries.values()].map(async (entry) => {
          await entry.starting;
          await entry.agent?.stop();
          await entry.listeners?.closeAll();
          await entry.apiserver?.stop();
        }),
      );
      entries.clear();
    },
  };
}

/** The manager's interface. */
export type KubeApiManager = ReturnType<typeof createKubeApiManager>;
