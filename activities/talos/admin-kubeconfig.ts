import YAML from 'yaml';
import { issueCertificate, type CertificateAndKey } from './certificates.ts';
import { pemToBase64 } from './pem.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/** `cluster.adminKubeconfig.certLifetime`'s default: one year. */
export const adminKubeconfigValidityMs = 365 * 24 * 3_600_000;

// Talos backdates the admin certificate by its allowedTimeSkew so a node with a slow clock accepts it.
const allowedTimeSkewMs = 10_000;

/**
 * Issues the admin client certificate as Talos' kubeconfig.Generate does: ECDSA P-256 signed by
 * the Kubernetes CA, CN=admin, O=system:masters, digitalSignature + keyEncipherment, clientAuth.
 */
export function issueKubernetesAdminCertificate(
  bundle: SecretsBundle,
  options: { readonly now: Date; readonly validityMs?: number },
): Promise<CertificateAndKey> {
  return issueCertificate({
    ca: bundle.certs.k8s,
    subject: { organizations: ['system:masters'], commonName: 'admin' },
    notBefore: new Date(options.now.getTime() - allowedTimeSkewMs),
    notAfter: new Date(options.now.getTime() + (options.validityMs ?? adminKubeconfigValidityMs)),
    keyUsages: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsages: ['clientAuth'],
  });
}

/** What the admin kubeconfig holds, PEM in, base64 out. */
export interface AdminKubeconfigParams {
  readonly clusterName: string;
  /** The control-plane endpoint, `https://<ip>:6443`. */
  readonly server: string;
  /** The Kubernetes CA certificate (PEM). */
  readonly caCrt: string;
  readonly client: CertificateAndKey;
}

/** Renders the kubeconfig Talos' Kubeconfig API returns: user and context `admin@<cluster>`. */
export function renderAdminKubeconfig(params: AdminKubeconfigParams): string {
  const user = `admin@${params.clusterName}`;
  return YAML.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: params.clusterName,
          cluster: { server: params.server, 'certificate-authority-data': pemToBase64(params.caCrt) },
        },
      ],
      users: [
        {
          name: user,
          user: {
            'client-certificate-data': pemToBase64(params.client.crt),
            'client-key-data': pemToBase64(params.client.key),
          },
        },
      ],
      contexts: [{ context: { cluster: params.clusterName, namespace: 'default', user }, name: user }],
      'current-context': user,
    },
    { lineWidth: 0 },
  );
}

/** A fresh admin kubeconfig for the cluster: issues the client certificate, then renders. */
export async function generateAdminKubeconfig(
  bundle: SecretsBundle,
  params: { readonly clusterName: string; readonly server: string; readonly now: Date; readonly validityMs?: number },
): Promise<string> {
  const client = await issueKubernetesAdminCertificate(bundle, params);
  return renderAdminKubeconfig({ ...params, caCrt: bundle.certs.k8s.crt, client });
}
