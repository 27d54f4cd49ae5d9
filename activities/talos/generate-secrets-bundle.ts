import { createCertificateAuthority, type CertificateAuthorityParams } from './certificates.ts';
import { generateKey, generateRsaKeyPem } from './keys.ts';
import { randomBase64, randomToken } from './random-secrets.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/** Talos' CAValidityTime: 87600h, ten years (pkg/machinery/config/generate/secrets/secrets.go). */
export const caValidityMs = 87_600 * 3_600_000;

/** Options for a new bundle; defaults are Talos' for current config versions. */
export interface GenerateSecretsBundleOptions {
  /** Start of every CA's validity; the end is ten years later. */
  readonly now?: Date;
  /** RSA-4096 since Talos 1.7; ECDSA P-256 for older configs (and fast tests). */
  readonly serviceAccountKey?: 'rsa-4096' | 'ecdsa-p256';
}

/**
 * Generates a cluster's secrets bundle with the key types and subjects of Talos' generator:
 * OS CA Ed25519 (O=talos); Kubernetes (O=kubernetes), etcd (O=etcd) and aggregator
 * (CN=front-proxy) CAs ECDSA P-256 with SHA-256; tokens `[a-z0-9]{6}.[a-z0-9]{16}`; cluster
 * id/secret and secretbox key 32 random bytes, base64. Random: call it only inside an activity.
 */
export async function generateSecretsBundle(options: GenerateSecretsBundleOptions = {}): Promise<SecretsBundle> {
  const notBefore = options.now ?? new Date();
  const notAfter = new Date(notBefore.getTime() + caValidityMs);
  const ca = (params: Pick<CertificateAuthorityParams, 'algorithm' | 'subject'>) =>
    createCertificateAuthority({ ...params, notBefore, notAfter });
  const [os, k8s, k8sAggregator, etcd, serviceAccountKey] = await Promise.all([
    ca({ algorithm: 'ed25519', subject: { organizations: ['talos'] } }),
    ca({ algorithm: 'ecdsa-p256', subject: { organizations: ['kubernetes'] } }),
    // Talos asks for CN=front-proxy, but its self-signed CA template drops the CN (empty subject);
    // we keep the CN: an empty issuer name is invalid under RFC 5280 and helps nobody.
    ca({ algorithm: 'ecdsa-p256', subject: { commonName: 'front-proxy' } }),
    ca({ algorithm: 'ecdsa-p256', subject: { organizations: ['etcd'] } }),
    options.serviceAccountKey === 'ecdsa-p256' ? generateKey('ecdsa-p256').then((key) => key.privateKeyPem) : generateRsaKeyPem(),
  ]);
  return {
    cluster: { id: randomBase64(), secret: randomBase64() },
    secrets: { bootstrapToken: randomToken(), secretboxEncryptionSecret: randomBase64() },
    trustdInfo: { token: randomToken() },
    certs: { etcd, k8s, k8sAggregator, k8sServiceAccount: { key: serviceAccountKey }, os },
  };
}
