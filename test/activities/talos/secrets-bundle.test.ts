import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ErrorType } from '../../../api/errors.ts';
import { caValidityMs, generateSecretsBundle } from '../../../activities/talos/generate-secrets-bundle.ts';
import { pemLabel, pemToBase64 } from '../../../activities/talos/pem.ts';
import type { SecretsBundle } from '../../../activities/talos/secrets-bundle.ts';
import { parseSecretsBundle, serializeSecretsBundle } from '../../../activities/talos/secrets-bundle-yaml.ts';
import { x509 } from '../../../activities/talos/x509.ts';
import { expectFailure, fixedNow } from './talos-fixtures.ts';

// The defaults (RSA-4096 service-account key) once for this file: a few seconds on 2 cores.
let bundle: SecretsBundle;
beforeAll(async () => {
  bundle = await generateSecretsBundle({ now: fixedNow });
});

const publicKeyOf = (keyPem: string) => createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' }).toString('hex');

describe('generateSecretsBundle', () => {
  it.each([
    ['os', 'ed25519', undefined, 'O=talos', 'PRIVATE KEY', 'Ed25519'],
    ['k8s', 'ec', 'prime256v1', 'O=kubernetes', 'EC PRIVATE KEY', 'ECDSA'],
    ['etcd', 'ec', 'prime256v1', 'O=etcd', 'EC PRIVATE KEY', 'ECDSA'],
    ['k8sAggregator', 'ec', 'prime256v1', 'CN=front-proxy', 'EC PRIVATE KEY', 'ECDSA'],
  ] as const)('makes the %s CA a self-signed %s CA for ten years', (name, keyType, curve, subject, keyLabel, signature) => {
    const { crt, key } = bundle.certs[name];
    const certificate = new X509Certificate(crt);
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toBe(subject);
    expect(certificate.issuer).toBe(subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyType).toBe(keyType);
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe(curve);
    expect(new Date(certificate.validFrom)).toEqual(fixedNow);
    expect(new Date(certificate.validTo)).toEqual(new Date(fixedNow.getTime() + caValidityMs));
    expect(pemLabel(key)).toBe(keyLabel);
    expect(publicKeyOf(key)).toBe(certificate.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'));
    const parsed = new x509.X509Certificate(crt);
    expect((parsed.signatureAlgorithm as { name?: string }).name).toBe(signature);
    const usages = parsed.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
    expect(usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('makes an RSA-4096 service-account key in PKCS#1, as Talos does since 1.7', () => {
    const key = createPrivateKey(bundle.certs.k8sServiceAccount.key);
    expect(pemLabel(bundle.certs.k8sServiceAccount.key)).toBe('RSA PRIVATE KEY');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
  });

  it('makes tokens and 32-byte secrets in Talos’ formats', () => {
    expect(bundle.secrets.bootstrapToken).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(bundle.trustdInfo.token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    for (const secret of [bundle.cluster.id, bundle.cluster.secret, bundle.secrets.secretboxEncryptionSecret]) {
      expect(Buffer.from(secret, 'base64')).toHaveLength(32);
    }
  });

  it('never makes the same secrets twice', async () => {
    const other = await generateSecretsBundle({ serviceAccountKey: 'ecdsa-p256' });
    expect(other.trustdInfo.token).not.toBe(bundle.trustdInfo.token);
    expect(other.cluster.secret).not.toBe(bundle.cluster.secret);
    expect(other.certs.os.key).not.toBe(bundle.certs.os.key);
    expect(pemLabel(other.certs.k8sServiceAccount.key)).toBe('EC PRIVATE KEY');
  });
});

describe('serializeSecretsBundle / parseSecretsBundle', () => {
  it('round-trips through talosctl’s secrets.yaml format', () => {
    const text = serializeSecretsBundle(bundle);
    const tree = YAML.parse(text) as Record<string, Record<string, unknown>>;
    expect(Object.keys(tree)).toEqual(['cluster', 'secrets', 'trustdinfo', 'certs']);
    expect(Object.keys(tree.certs!)).toEqual(['etcd', 'k8s', 'k8saggregator', 'k8sserviceaccount', 'os']);
    expect(tree.secrets).toEqual({
      bootstraptoken: bundle.secrets.bootstrapToken,
      secretboxencryptionsecret: bundle.secrets.secretboxEncryptionSecret,
    });
    expect(text).not.toContain('PRIVATE KEY');
    expect(parseSecretsBundle(text)).toEqual(bundle);
  });

  it('reads talosctl’s ED25519 PRIVATE KEY label as a standard PKCS#8 key', () => {
    const tree = YAML.parse(serializeSecretsBundle(bundle)) as { certs: { os: { key: string } } };
    tree.certs.os.key = pemToBase64(bundle.certs.os.key.replaceAll('PRIVATE KEY', 'ED25519 PRIVATE KEY'));
    expect(parseSecretsBundle(YAML.stringify(tree)).certs.os.key).toBe(bundle.certs.os.key);
  });

  it('refuses a damaged bundle, naming the fields as the file spells them', async () => {
    const tree = YAML.parse(serializeSecretsBundle(bundle)) as Record<string, Record<string, unknown>>;
    delete tree.trustdinfo!.token;
    (tree.certs!.k8saggregator as { crt: string }).crt = 'bm90IGEgY2VydA==';
    const failure = await expectFailure(() => parseSecretsBundle(YAML.stringify(tree)), ErrorType.InvalidSecretsBundle);
    expect(failure.message).toContain('trustdinfo.token: ');
    expect(failure.message).toContain('certs.k8saggregator.crt: must be a PEM CERTIFICATE');
  });

  it('refuses text that is not YAML', async () => {
    await expectFailure(() => parseSecretsBundle('cluster: [\n'), ErrorType.InvalidSecretsBundle);
  });
});
