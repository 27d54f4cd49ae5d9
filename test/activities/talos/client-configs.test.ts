import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  generateAdminKubeconfig,
  issueKubernetesAdminCertificate,
  renderAdminKubeconfig,
} from '../../../activities/talos/admin-kubeconfig.ts';
import type { CertificateAndKey } from '../../../activities/talos/certificates.ts';
import { base64ToPem, pemLabel, pemToBase64 } from '../../../activities/talos/pem.ts';
import type { SecretsBundle } from '../../../activities/talos/secrets-bundle.ts';
import {
  generateTalosconfig,
  issueTalosClientCertificate,
  renderTalosconfig,
  talosClientCertificateValidityMs,
} from '../../../activities/talos/talosconfig.ts';
import { x509 } from '../../../activities/talos/x509.ts';
import { bundleSecrets, fixedNow, redact, testBundle } from './talos-fixtures.ts';

let bundle: SecretsBundle;
beforeAll(async () => {
  bundle = await testBundle();
});

const clientSecrets = (client: CertificateAndKey) => ({ 'client.crt': pemToBase64(client.crt), 'client.key': pemToBase64(client.key) });

function expectIssuedBy(client: CertificateAndKey, ca: string): X509Certificate {
  const certificate = new X509Certificate(client.crt);
  const issuer = new X509Certificate(ca);
  expect(certificate.checkIssued(issuer)).toBe(true);
  expect(certificate.verify(issuer.publicKey)).toBe(true);
  expect(certificate.ca).toBe(false);
  // Node's TLS stack must take the pair as is: the gRPC client and the simulator use it directly.
  expect(() => createSecureContext({ cert: client.crt, key: client.key, ca })).not.toThrow();
  return certificate;
}

const keyUsages = (crt: string) => new x509.X509Certificate(crt).getExtension(x509.KeyUsagesExtension)?.usages;

describe('talosconfig', () => {
  it('issues an Ed25519 client certificate with the os:admin role, signed by the OS CA', async () => {
    const client = await issueTalosClientCertificate(bundle, { now: fixedNow });
    const certificate = expectIssuedBy(client, bundle.certs.os.crt);
    expect(certificate.subject).toBe('O=os:admin');
    expect(certificate.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(keyUsages(client.crt)).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(new Date(certificate.validFrom)).toEqual(fixedNow);
    expect(new Date(certificate.validTo)).toEqual(new Date(fixedNow.getTime() + talosClientCertificateValidityMs));
    expect(pemLabel(client.key)).toBe('PRIVATE KEY');
    expect(createPrivateKey(client.key).asymmetricKeyType).toBe('ed25519');
  });

  it('carries other roles as Organization values, in one multi-valued RDN as Go encodes them', async () => {
    const client = await issueTalosClientCertificate(bundle, { now: fixedNow, roles: ['os:reader', 'os:etcd:backup'] });
    expect(new X509Certificate(client.crt).subject).toBe('O=os:reader + O=os:etcd:backup');
  });

  it('renders the talosctl client config format', async () => {
    const client = await issueTalosClientCertificate(bundle, { now: fixedNow });
    const text = renderTalosconfig({
      contextName: 'prod-eu1',
      endpoints: ['10.10.0.21', '10.10.0.22'],
      nodes: ['10.10.0.21'],
      caCrt: bundle.certs.os.crt,
      client,
    });
    await expect(redact(text, { ...bundleSecrets(bundle), ...clientSecrets(client) })).toMatchFileSnapshot(
      '../../fixtures/talos/talosconfig.yaml',
    );
  });

  it('generates a usable admin talosconfig in one call', async () => {
    const text = await generateTalosconfig(bundle, { contextName: 'prod-eu1', endpoints: ['10.10.0.21'], now: fixedNow });
    const config = YAML.parse(text) as { context: string; contexts: Record<string, Record<string, unknown>> };
    const context = config.contexts[config.context]!;
    expect(context.nodes).toBeUndefined();
    expectIssuedBy({ crt: base64ToPem(context.crt as string), key: base64ToPem(context.key as string) }, base64ToPem(context.ca as string));
  });
});

describe('admin kubeconfig', () => {
  it('issues CN=admin, O=system:masters on ECDSA P-256, signed by the Kubernetes CA', async () => {
    const client = await issueKubernetesAdminCertificate(bundle, { now: fixedNow });
    const certificate = expectIssuedBy(client, bundle.certs.k8s.crt);
    expect(certificate.subject).toBe('O=system:masters\nCN=admin');
    expect(certificate.publicKey.asymmetricKeyType).toBe('ec');
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(keyUsages(client.crt)).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(new Date(certificate.validFrom)).toEqual(new Date(fixedNow.getTime() - 10_000));
    expect(pemLabel(client.key)).toBe('EC PRIVATE KEY');
  });

  it('renders the kubeconfig Talos’ Kubeconfig API returns', async () => {
    const client = await issueKubernetesAdminCertificate(bundle, { now: fixedNow });
    const text = renderAdminKubeconfig({ clusterName: 'prod-eu1', server: 'https://10.10.0.10:6443', caCrt: bundle.certs.k8s.crt, client });
    await expect(redact(text, { ...bundleSecrets(bundle), ...clientSecrets(client) })).toMatchFileSnapshot(
      '../../fixtures/talos/kubeconfig.yaml',
    );
  });

  it('generates one that verifies against the cluster CA', async () => {
    const text = await generateAdminKubeconfig(bundle, { clusterName: 'prod-eu1', server: 'https://10.10.0.10:6443', now: fixedNow });
    const config = YAML.parse(text) as {
      clusters: { cluster: Record<string, string> }[];
      users: { user: Record<string, string> }[];
    };
    const user = config.users[0]!.user;
    const ca = base64ToPem(config.clusters[0]!.cluster['certificate-authority-data']!);
    expect(ca).toBe(bundle.certs.k8s.crt);
    expectIssuedBy({ crt: base64ToPem(user['client-certificate-data']!), key: base64ToPem(user['client-key-data']!) }, ca);
  });
});
