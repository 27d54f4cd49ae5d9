// Each bootstrapped cluster gets a real kube-apiserver (from the injected starter) serving a
// certificate of the cluster's Kubernetes CA, reachable at the control-plane endpoint while
// etcd has quorum, plus the agent that plays kubelets and controllers against it.
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TalosContext } from '../core/context.ts';
import type { SimCluster } from '../core/state.ts';
import { primaryEtcd } from '../etcd/etcd-view.ts';
import { issueCertificate } from '../pki/issue-certificate.ts';
import type { KubeApiserverStarter, StartedKubeApiserver } from '../options.ts';
import { startClusterAgent } from './cluster-agent.ts';
import type { ClusterAgent } from './cluster-agent.ts';
import { createEndpointProxy } from './endpoint-proxy.ts';
import type { EndpointProxy } from './endpoint-proxy.ts';
import { kubeApis } from './kube-client.ts';
import type { WorkloadOptions } from './workloads.ts';

interface Entry {
  apiserver?: StartedKubeApiserver;
  proxy?: EndpointProxy;
  agent?: ClusterAgent;
  starting: Promise<void>;
}

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
export function createKubeApiManager(ctx: TalosContext, starter: KubeApiserverStarter, dataDir: string, workload: WorkloadOptions) {
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
    if (host.startsWith('127.')) entry.proxy = createEndpointProxy(host, Number(endpoint.port || 443), '127.0.0.1', port);
    else
      warn(cluster, `endpoint ${cluster.endpoint} is outside 127.0.0.0/8: the Kubernetes API is only reachable at ${entry.apiserver.url}`);
    const client = await issueCertificate(ca, { commonName: 'capstan-talos-sim', organizations: ['system:masters'], usage: 'client' });
    entry.agent = startClusterAgent(ctx, cluster, kubeApis(entry.apiserver.url, cluster.k8sCa.certPem, client), workload);
    reconcile();
  };

  // The API answers while the first etcd cluster has quorum (a majority of control planes runs).
  const setAvailability = (cluster: SimCluster, entry: Entry): void => {
    const want = entry.apiserver !== undefined && primaryEtcd(cluster)?.quorum === true;
    if (want === cluster.apiAvailable) return;
    cluster.apiAvailable = want;
    ctx.events.append({ type: want ? 'k8s.api-up' : 'k8s.api-down', cluster: cluster.name, detail: { endpoint: cluster.endpoint } });
    const proxy = entry.proxy;
    if (proxy === undefined) return;
    (want ? proxy.open() : proxy.close()).catch((error: unknown) => {
      warn(cluster, `cannot serve ${cluster.endpoint}: ${String(error)}`);
    });
    if (want) entry.agent?.poke();
  };

  // A cluster whose machines are all gone takes its apiserver with it (npm start runs for days).
  const retire = (key: string, entry: Entry): void => {
    entries.delete(key);
    void entry.starting.then(async () => {
      await entry.agent?.stop();
      await entry.proxy?.close();
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
    }
  }

  return {
    reconcile,
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
    /** Process ids of every apiserver started so far. */
    pids: (): number[] => [...entries.values()].flatMap((e) => e.apiserver?.pids ?? []),
    stop: async () => {
      await Promise.all(
        [...entries.values()].map(async (entry) => {
          await entry.starting;
          await entry.agent?.stop();
          await entry.proxy?.close();
          await entry.apiserver?.stop();
        }),
      );
      entries.clear();
    },
  };
}

/** The manager's interface. */
export type KubeApiManager = ReturnType<typeof createKubeApiManager>;
