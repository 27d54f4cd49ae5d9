// Light mode's starter: several simulated clusters behind one kube-apiserver, each answering with
// its own serving certificate and accepting only client certificates of its own CA, the client's
// user and groups carried through to RBAC.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../embedded/servers/free-port.ts';
import { createSharedSimKubeApiserver } from '../../embedded/servers/shared-sim-kube-apiserver.ts';
import type { SimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { issueCertificate, selfSigned, type CertAndKey } from '../../sim/talos/pki/issue-certificate.ts';
import type { StartedKubeApiserver } from '../../sim/talos/index.ts';

interface SimCluster {
  readonly ca: CertAndKey;
  readonly admin: CertAndKey;
  readonly api: StartedKubeApiserver;
}

const dir = makeTempDir('shared-apiserver');
let kube: SimKubeApiservers;
const clusters: SimCluster[] = [];

async function startCluster(name: string, host: string): Promise<SimCluster> {
  const ca = await selfSigned({ commonName: `${name}-ca`, algorithm: 'ecdsa', ca: true, usage: 'both' });
  const serving = await issueCertificate(ca, { commonName: 'kube-apiserver', ipAddresses: [host], usage: 'server' });
  const admin = await issueCertificate(ca, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
  const api = await kube.start({
    clusterName: name,
    bindAddress: host,
    port: await freePort(host),
    servingCertPem: serving.certPem,
    servingKeyPem: serving.keyPem,
    clientCaPem: ca.certPem,
    dataDir: `${dir.path}/${name}`,
  });
  return { ca, admin, api };
}

/** GET `path` at a cluster's URL, trusting its CA, with a client certificate or none. */
function get(cluster: SimCluster, path: string, client?: CertAndKey): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.api.url}${path}`,
      { ca: cluster.ca.certPem, ...(client ? { cert: client.certPem, key: client.keyPem } : {}), timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  kube = createSharedSimKubeApiserver({ dataDir: dir.path });
  for (const [i, name] of ['alpha', 'beta', 'gamma'].entries()) clusters.push(await startCluster(name, `127.0.77.${10 + i}`));
}, 180_000);
afterAll(async () => {
  for (const cluster of clusters) await cluster.api.stop();
  await kube.stop();
  dir.remove();
});

describe('createSharedSimKubeApiserver', () => {
  it('runs one kube-apiserver and one etcd for every cluster', () => {
    expect(kube.processIds()).toHaveLength(2);
    expect(new Set(clusters.map((c) => c.api.pids().join()))).toEqual(new Set([String(kube.processIds()[0])]));
    expect(kube.etcdPid()).toBe(kube.processIds()[1]);
  });

  it("serves each cluster with the cluster's own certificate and accepts its admin", async () => {
    for (const cluster of clusters) {
      const answer = await get(cluster, '/api/v1/namespaces/default', cluster.admin);
      expect(answer.status).toBe(200);
    }
  });

  it("refuses cluster A's client certificate at cluster B's endpoint with 401, as B's own apiserver would", async () => {
    const [a, b] = clusters;
    const answer = await get(b!, '/api/v1/nodes', a!.admin);
    expect(answer.status).toBe(401);
  });

  it("passes the client's user and groups to RBAC: a certificate without system:masters is forbidden", async () => {
    const cluster = clusters[0]!;
    const alice = await issueCertificate(cluster.ca, { commonName: 'alice', organizations: ['dev'], usage: 'client' });
    const answer = await get(cluster, '/api/v1/nodes', alice);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('User \\"alice\\" cannot list resource \\"nodes\\"');
  });

  it('treats a client without a certificate as anonymous: public info only', async () => {
    const cluster = clusters[1]!;
    expect((await get(cluster, '/version')).status).toBe(200);
    expect((await get(cluster, '/api/v1/nodes')).status).toBe(403);
  });

  it("stops only the cluster's front: the others keep answering", async () => {
    const gone = clusters.pop()!;
    await gone.api.stop();
    await expect(get(gone, '/version')).rejects.toThrow(/ECONNREFUSED/);
    expect((await get(clusters[0]!, '/api/v1/namespaces/default', clusters[0]!.admin)).status).toBe(200);
  });
});
