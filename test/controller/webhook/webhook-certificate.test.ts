// The conversion webhook's certificate as the controller replicas share it: one Secret, made by
// whichever replica comes first, replaced only when it no longer serves (names, end of life), and
// its CA written into the CRDs that name the webhook.
import { join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversionWebhookCrdNames } from '../../../api/crds.ts';
import { injectCaBundle } from '../../../client/controller/webhook/inject-ca-bundle.ts';
import { ensureWebhookCertificate } from '../../../client/controller/webhook/webhook-certificate.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { x509 } from '../../../runtime/x509.ts';

const dir = makeTempDir('webhook-certificate');
let management: ManagementCluster;
const namespace = 'capstan-system';
const request = { namespace, secretName: 'capstan-webhook-tls', dnsNames: ['capstan-webhook.capstan-system.svc'], ipAddresses: [] };

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: join(dir.path, 'management'), ephemeral: true, capstanCrds: true });
  await management.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
}, 120_000);
afterAll(async () => {
  await management.stop();
  dir.remove();
});

const dayMs = 24 * 3_600_000;

describe('the conversion webhook certificate', { timeout: 60_000 }, () => {
  it('is made once: replicas starting together all serve the one that was stored', async () => {
    const made = await Promise.all([1, 2, 3].map(() => ensureWebhookCertificate(management.kubeConfig, request)));
    expect(new Set(made.map((m) => m.certPem)).size).toBe(1);
    const again = await ensureWebhookCertificate(management.kubeConfig, request);
    expect(again).toEqual(made[0]);
    const certificate = new x509.X509Certificate(again.certPem);
    expect(certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'dns', value: 'capstan-webhook.capstan-system.svc' },
    ]);
    expect(certificate.notAfter.getTime() - Date.now()).toBeGreaterThan(4 * 365 * dayMs);
  });

  it('is replaced when a replica needs a name it lacks, or when it nears its end', async () => {
    const first = await ensureWebhookCertificate(management.kubeConfig, request);
    const widened = await ensureWebhookCertificate(management.kubeConfig, { ...request, ipAddresses: ['127.0.0.1'] });
    expect(widened.caPem).not.toBe(first.caPem);
    const names = new x509.X509Certificate(widened.certPem).getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON();
    expect(names).toContainEqual({ type: 'ip', value: '127.0.0.1' });
    // A replica starting 60 days before the end (inside the 90-day window) makes a new one.
    const end = new x509.X509Certificate(widened.certPem).notAfter.getTime();
    const renewed = await ensureWebhookCertificate(
      management.kubeConfig,
      { ...request, ipAddresses: ['127.0.0.1'] },
      new Date(end - 60 * dayMs),
    );
    expect(renewed.caPem).not.toBe(widened.caPem);
    const secret = await management.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name: request.secretName });
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64').toString()).toBe(renewed.certPem);
  });

  it('has its CA written into every CRD that names the webhook, and says so when a CRD names none', async () => {
    const { caPem } = await ensureWebhookCertificate(management.kubeConfig, request);
    await injectCaBundle(management.kubeConfig, conversionWebhookCrdNames, caPem);
    const api = management.kubeConfig.makeApiClient(ApiextensionsV1Api);
    for (const name of conversionWebhookCrdNames) {
      const crd = await api.readCustomResourceDefinition({ name });
      expect(crd.spec.conversion?.webhook?.clientConfig?.caBundle, name).toBe(Buffer.from(caPem).toString('base64'));
    }
    expect([...conversionWebhookCrdNames].sort()).toEqual([
      'clusters.cluster.x-k8s.io',
      'machinedeployments.cluster.x-k8s.io',
      'machinehealthchecks.cluster.x-k8s.io',
      'machines.cluster.x-k8s.io',
      'machinesets.cluster.x-k8s.io',
    ]);
    await expect(injectCaBundle(management.kubeConfig, ['proxmoxclusters.infrastructure.cluster.x-k8s.io'], caPem)).rejects.toThrow(
      'CRD proxmoxclusters.infrastructure.cluster.x-k8s.io has no conversion webhook to trust the controller',
    );
  });
});
