// Client certificates expire on the simulated Talos as on the real one: apid refuses a talosconfig
// whose certificate is outside its validity by the simulator's clock (the alert Go's TLS server
// sends, which a gRPC client reads as Unavailable), the Kubeconfig API issues a one-year
// certificate from that clock, and the real kube-apiserver refuses an expired admin certificate.
import { X509Certificate } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { status } from '@grpc/grpc-js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKubernetesAdminCertificate, renderAdminKubeconfig } from '../../activities/talos/admin-kubeconfig.ts';
import type { SecretsBundle } from '../../activities/talos/secrets-bundle.ts';
import {
  applyInMaintenance,
  bootstrapUntilApiAvailable,
  clientCredentials,
  createVm,
  failure,
  machineConfig,
  newBundle,
  startTalosStack,
  TestTalosClient,
  untarGz,
} from './talos-helpers.ts';
import type { TalosStack } from './talos-helpers.ts';

const day = 24 * 3_600_000;
const year = 365 * day;
const net = '127.0.207';
const cp = { vmid: 271, name: 'cert-cp-1', address: `${net}.11` };
const endpoint = `https://${cp.address}:6443`;
let stack: TalosStack;
let bundle: SecretsBundle;
let admin: TestTalosClient;
// The simulator's clock: the wall clock moved on by `ahead` (time skipping only moves forward).
let ahead = 0;
const simNow = (): number => Date.now() + ahead;
const clients: TestTalosClient[] = [];
const clientAt = async (issuedAt: number): Promise<TestTalosClient> => {
  const client = new TestTalosClient(cp.address, await clientCredentials(bundle, ['os:admin'], new Date(issuedAt)));
  clients.push(client);
  return client;
};
const expiredAlert = { code: status.UNAVAILABLE, details: expect.stringContaining('remote error: tls: expired certificate') as unknown };
// OpenSSL ends the handshake by the wall clock; the client sees the connection fail.
const handshakeFailed = { code: status.UNAVAILABLE, details: expect.any(String) as unknown };

beforeAll(async () => {
  [stack, bundle] = await Promise.all([startTalosStack('certificates', { clock: simNow }), newBundle()]);
  await createVm(stack.proxmox, cp);
  const config = machineConfig(bundle, { type: 'controlplane', cluster: 'cert', endpoint, hostname: cp.name, address: cp.address });
  admin = await applyInMaintenance(stack, cp, Buffer.from(config), bundle);
  await bootstrapUntilApiAvailable(stack, admin);
}, 180_000);
afterAll(async () => {
  admin.close();
  for (const c of clients) c.close();
  await stack.stop();
});

describe('talosconfig client certificates', () => {
  it('refuses one that has expired or is not yet valid, and accepts one within its validity', async () => {
    expect(await failure((await clientAt(Date.now() - 2 * year)).unary('Version'))).toEqual(handshakeFailed);
    expect((await (await clientAt(Date.now() - 300 * day)).unary('Version')).messages).toHaveLength(1);
  });

  it("judges by the simulator's clock: valid today, refused once the clock is past its NotAfter", async () => {
    const client = await clientAt(simNow());
    expect((await client.unary('Version')).messages).toHaveLength(1);
    ahead = year + day;
    try {
      expect(await failure(client.unary('Version'))).toEqual(expiredAlert);
      // A certificate issued at the simulated time works then.
      expect((await (await clientAt(simNow())).unary('Version')).messages).toHaveLength(1);
    } finally {
      ahead = 0;
    }
  });
});

describe('admin kubeconfigs', () => {
  it("issues a fresh one-year certificate at every call, dated by the simulator's clock, that the kube-apiserver accepts", async () => {
    ahead = 40 * day;
    try {
      const kubeconfig = await fetchKubeconfig();
      const certificate = new X509Certificate(clientCertificateOf(kubeconfig));
      expect(Date.parse(certificate.validTo)).toBeGreaterThan(simNow() + year - day);
      expect(Date.parse(certificate.validTo)).toBeLessThanOrEqual(simNow() + year);
      const config = new KubeConfig();
      config.loadFromString(kubeconfig);
      expect((await config.makeApiClient(CoreV1Api).listNode()).items.length).toBeGreaterThan(0);
      expect(clientCertificateOf(await fetchKubeconfig())).not.toEqual(clientCertificateOf(kubeconfig));
    } finally {
      ahead = 0;
    }
  });

  it('is refused by the kube-apiserver once its certificate has expired (401)', async () => {
    const issuedAt = new Date(Date.now() - 2 * year);
    const client = await issueKubernetesAdminCertificate(bundle, { now: issuedAt });
    const config = new KubeConfig();
    config.loadFromString(renderAdminKubeconfig({ clusterName: 'cert', server: endpoint, caCrt: bundle.certs.k8s.crt, client }));
    const refused = await config
      .makeApiClient(CoreV1Api)
      .listNode()
      .then(
        () => undefined,
        (error: unknown) => (error as { code?: unknown }).code,
      );
    expect(refused).toBe(401);
  });
});

async function fetchKubeconfig(): Promise<string> {
  const reply = await admin.stream('Kubeconfig');
  const chunk = reply[0]?.['bytes'];
  if (!Buffer.isBuffer(chunk)) throw new Error('no kubeconfig archive');
  const file = untarGz(chunk).find((f) => f.name === 'kubeconfig');
  if (file === undefined) throw new Error('no kubeconfig in the archive');
  return file.content.toString('utf8');
}

function clientCertificateOf(kubeconfig: string): string {
  const config = parse(kubeconfig) as { users: { user: { 'client-certificate-data': string } }[] };
  return Buffer.from(config.users[0]?.user['client-certificate-data'] ?? '', 'base64').toString('utf8');
}
