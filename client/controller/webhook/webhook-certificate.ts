// The conversion webhook's serving certificate, kept in a Secret so every controller replica serves
// the same one and the CRDs' caBundle trusts them all.
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { httpStatusOf, isNotFound } from '../../../runtime/kubernetes-api-errors.ts';
import { createServingCertificate, type ServingCertificate } from '../../../runtime/serving-certificate.ts';
import { x509 } from '../../../runtime/x509.ts';

/** Where the certificate lives and whom it is for. */
export interface WebhookCertificateRequest {
  readonly namespace: string;
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

const validDays = 5 * 365;
// A replica that starts this close to the end makes a new one (the others pick it up when they restart).
const renewWithinDays = 90;
const dayMs = 24 * 3_600_000;

/**
 * The Secret's certificate when it is whole, covers every requested name and has more than
 * `renewWithinDays` left; otherwise a new one written to the Secret. Two replicas starting at once
 * both try to create it: the loser reads the winner's.
 */
export async function ensureWebhookCertificate(
  kubeConfig: KubeConfig,
  request: WebhookCertificateRequest,
  now = new Date(),
): Promise<ServingCertificate> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const existing = await core.readNamespacedSecret({ namespace: request.namespace, name: request.secretName }).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  const current = existing === undefined ? undefined : certificateOf(existing);
  if (current !== undefined && stillServes(current, request, now)) return current;

  const fresh = await createServingCertificate({
    label: request.dnsNames[0] ?? request.ipAddresses[0] ?? 'capstan-webhook',
    dnsNames: request.dnsNames,
    ipAddresses: request.ipAddresses,
    validDays,
  });
  const body: V1Secret = {
    metadata: {
      name: request.secretName,
      namespace: request.namespace,
      labels: { 'app.kubernetes.io/name': 'capstan-controller', 'app.kubernetes.io/component': 'conversion-webhook' },
      ...(existing?.metadata?.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
    },
    type: 'kubernetes.io/tls',
    stringData: { 'ca.crt': fresh.caPem, 'tls.crt': fresh.certPem, 'tls.key': fresh.keyPem },
  };
  try {
    if (existing === undefined) await core.createNamespacedSecret({ namespace: request.namespace, body });
    else await core.replaceNamespacedSecret({ namespace: request.namespace, name: request.secretName, body });
    return fresh;
  } catch (error) {
    // Another replica wrote it first: serve what it wrote.
    if (httpStatusOf(error) !== 409) throw error;
    const winner = certificateOf(await core.readNamespacedSecret({ namespace: request.namespace, name: request.secretName }));
    if (winner === undefined)
      throw new Error(`Secret ${request.namespace}/${request.secretName} holds no usable certificate`, { cause: error });
    return winner;
  }
}

function certificateOf(secret: V1Secret): ServingCertificate | undefined {
  const read = (key: string) => {
    const value = secret.data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
  const [caPem, certPem, keyPem] = [read('ca.crt'), read('tls.crt'), read('tls.key')];
  return caPem && certPem && keyPem ? { caPem, certPem, keyPem } : undefined;
}

function stillServes(certificate: ServingCertificate, request: WebhookCertificateRequest, now: Date): boolean {
  let parsed: x509.X509Certificate;
  try {
    parsed = new x509.X509Certificate(certificate.certPem);
  } catch {
    return false;
  }
  if (parsed.notAfter.getTime() - now.getTime() < renewWithinDays * dayMs) return false;
  const names = parsed.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? [];
  const has = (type: string, value: string) => names.some((name) => name.type === type && name.value === value);
  return request.dnsNames.every((name) => has('dns', name)) && request.ipAddresses.every((ip) => has('ip', ip));
}
