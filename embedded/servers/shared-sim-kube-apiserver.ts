// Light mode for fleets: every simulated cluster shares ONE kube-apiserver (and its etcd), so a
// cluster costs a TLS front of a few MiB instead of an apiserver of ~280 MiB. Each cluster still
// answers with its own serving certificate and accepts only client certificates of its own
// Kubernetes CA; the front carries the client's user and groups to the shared apiserver in a
// certificate of the shared CA, so RBAC judges the same identity. The clusters share one object
// space: the Talos simulator's `sharedKubernetes` option keeps its kubelets and controllers apart.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeApiserverStarter } from '../../sim/talos/index.ts';
import { issueCertificate, selfSigned, type CertAndKey } from '../../sim/talos/pki/issue-certificate.ts';
import { startClusterFront, type FrontIdentity, type FrontUpstream } from './cluster-front.ts';
import { startEtcd, type Etcd } from './etcd.ts';
import { streamEtcdSnapshot } from './etcd-snapshot.ts';
import { startKubeApiserver, type KubeApiserver } from './kube-apiserver.ts';
import type { SimKubeApiservers, SimKubeApiserversOptions } from './sim-kube-apiservers.ts';

interface Shared {
  readonly etcd: Etcd;
  readonly apiserver: KubeApiserver;
  readonly upstream: FrontUpstream;
}

const newCa = (commonName: string): Promise<CertAndKey> => selfSigned({ commonName, algorithm: 'ecdsa', ca: true, usage: 'both' });

/**
 * Issues, once per identity, the certificate a front presents upstream: the client's CN and O
 * signed by the shared CA; for an unverified client one of a CA the apiserver does not trust (it
 * answers 401, as a cluster's own apiserver does); for no certificate none (anonymous or token).
 */
function upstreamCredentials(trusted: CertAndKey): FrontUpstream['credentialsFor'] {
  const issued = new Map<string, Promise<CertAndKey>>();
  let untrusted: Promise<CertAndKey> | undefined;
  return (identity: FrontIdentity) => {
    if (identity.kind === 'none') return Promise.resolve(undefined);
    if (identity.kind === 'untrusted')
      return (untrusted ??= newCa('capstan-sim-untrusted').then((ca) =>
        issueCertificate(ca, { commonName: 'unverified-client', usage: 'client' }),
      ));
    const key = JSON.stringify([identity.commonName, identity.organizations]);
    let certificate = issued.get(key);
    if (certificate === undefined) {
      certificate = issueCertificate(trusted, { commonName: identity.commonName, organizations: identity.organizations, usage: 'client' });
      issued.set(key, certificate);
    }
    return certificate;
  };
}

/** The light-mode starter: same contract as createSimKubeApiservers, one apiserver started on first use. */
export function createSharedSimKubeApiserver(options: SimKubeApiserversOptions): SimKubeApiservers {
  const dir = join(options.dataDir, 'shared-apiserver');
  const logFile = (name: string) => (options.logDir ? { logFile: join(options.logDir, `${name}.log`) } : {});
  let shared: Promise<Shared> | undefined;
  let started: Shared | undefined;

  const bringUp = async (): Promise<Shared> => {
    mkdirSync(dir, { recursive: true });
    // A new CA every start is enough: the fronts issue their upstream certificates at run time.
    const ca = await newCa('capstan-sim-shared-apiserver');
    const etcd = await startEtcd({
      name: 'etcd of the shared simulated kube-apiserver',
      dataDir: join(dir, 'etcd'),
      unsafeNoFsync: !(options.persistent ?? false),
      ...logFile('etcd-sim-shared'),
    });
    try {
      const apiserver = await startKubeApiserver({
        name: 'kube-apiserver shared by the simulated clusters',
        etcdUrl: etcd.clientUrl,
        dataDir: join(dir, 'apiserver'),
        clientCaPem: ca.certPem,
        ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
        ...logFile('kube-apiserver-sim-shared'),
      });
      const target = new URL(apiserver.url);
      const upstream: FrontUpstream = {
        host: target.hostname,
        port: Number(target.port),
        caPem: apiserver.caPem,
        credentialsFor: upstreamCredentials(ca),
      };
      return (started = { etcd, apiserver, upstream });
    } catch (error) {
      await etcd.stop();
      throw error;
    }
  };

  const start: KubeApiserverStarter = async (request) => {
    const current = await (shared ??= bringUp().catch((error: unknown) => {
      shared = undefined; // the next cluster tries again
      throw error;
    }));
    const front = await startClusterFront({
      host: request.bindAddress,
      port: request.port,
      servingCertPem: request.servingCertPem,
      servingKeyPem: request.servingKeyPem,
      clientCaPem: request.clientCaPem,
      upstream: current.upstream,
    });
    return {
      url: front.url,
      pids: () => [current.apiserver.process.pid],
      // One etcd holds every cluster: its snapshot is the whole fleet's, and no cluster's data is its own.
      etcd: { snapshot: () => streamEtcdSnapshot(current.etcd.clientUrl) },
      stop: () => front.stop(),
    };
  };

  return {
    start,
    etcdPid: () => started?.etcd.process.pid,
    processIds: () => (started ? [started.apiserver.process.pid, started.etcd.process.pid] : []),
    stop: async () => {
      const running = shared;
      shared = undefined;
      started = undefined;
      const up = await running?.catch(() => undefined);
      if (up === undefined) return;
      await up.apiserver.stop();
      await up.etcd.stop();
    },
  };
}
