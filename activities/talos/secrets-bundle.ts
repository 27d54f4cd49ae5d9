import { z } from 'zod';
import { pemLabel } from './pem.ts';
import { tokenPattern } from './random-secrets.ts';

const certificatePem = z.string().refine((pem) => pemLabel(pem) === 'CERTIFICATE', 'must be a PEM CERTIFICATE');
const privateKeyPem = z.string().refine((pem) => pemLabel(pem)?.endsWith('PRIVATE KEY') === true, 'must be a PEM private key');
const base64Of32Bytes = z.string().refine((value) => /^[A-Za-z0-9+/_-]{43}=?$/.test(value), 'must be base64 of 32 bytes');
const token = z.string().regex(tokenPattern, 'must look like abcdef.0123456789abcdef');

/** A CA certificate with its private key, both PEM. */
export const PemCertificateAndKey = z.strictObject({ crt: certificatePem, key: privateKeyPem });

/**
 * A cluster's root secret, the same parts as `talosctl gen secrets`: every machine config, the
 * talosconfig and the admin kubeconfig derive from it. PEM here; configs embed base64 of the PEM.
 * It must never enter workflow history: activities load it from a Kubernetes Secret.
 */
export const SecretsBundle = z.strictObject({
  cluster: z.strictObject({ id: base64Of32Bytes, secret: base64Of32Bytes }),
  secrets: z.strictObject({ bootstrapToken: token, secretboxEncryptionSecret: base64Of32Bytes }),
  trustdInfo: z.strictObject({ token }),
  certs: z.strictObject({
    /** etcd CA, ECDSA P-256. */
    etcd: PemCertificateAndKey,
    /** Kubernetes CA, ECDSA P-256. */
    k8s: PemCertificateAndKey,
    /** Front-proxy (aggregation layer) CA, ECDSA P-256. */
    k8sAggregator: PemCertificateAndKey,
    /** Service-account token signing key, RSA-4096 (ECDSA in configs before Talos 1.7). */
    k8sServiceAccount: z.strictObject({ key: privateKeyPem }),
    /** Talos API (apid/trustd) CA, Ed25519. */
    os: PemCertificateAndKey,
  }),
});

/** A cluster's secrets bundle (PEM strings, tokens, base64 secrets). */
export type SecretsBundle = z.infer<typeof SecretsBundle>;
