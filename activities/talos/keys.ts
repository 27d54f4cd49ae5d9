import { KeyObject, createPrivateKey, generateKeyPair, type webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { normalizePrivateKeyPem } from './pem.ts';

/** Key algorithms Talos uses: Ed25519 for the Talos API, ECDSA P-256 for Kubernetes and etcd. */
export const KeyAlgorithm = {
  ed25519: 'ed25519',
  ecdsaP256: 'ecdsa-p256',
} as const;
/** One of the key algorithms certificates are issued with. */
export type KeyAlgorithm = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** A fresh key pair as WebCrypto keys (for @peculiar/x509) plus its private key in Talos' PEM form. */
export interface GeneratedKeyPair {
  readonly keys: webcrypto.CryptoKeyPair;
  readonly privateKeyPem: string;
}

const generateParams: Record<KeyAlgorithm, webcrypto.EcKeyGenParams | webcrypto.Algorithm> = {
  ed25519: { name: 'Ed25519' },
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' },
};

/** The WebCrypto signature algorithm for certificates signed by a key of this algorithm. */
export function signingAlgorithm(algorithm: KeyAlgorithm): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return algorithm === 'ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
}

/** Generates a key pair; ECDSA keys are written as SEC1 `EC PRIVATE KEY` like siderolabs/crypto. */
export async function generateKey(algorithm: KeyAlgorithm): Promise<GeneratedKeyPair> {
  const keys = (await globalThis.crypto.subtle.generateKey(generateParams[algorithm], true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const privateKey = KeyObject.from(keys.privateKey);
  const privateKeyPem =
    algorithm === 'ed25519' ? privateKey.export({ type: 'pkcs8', format: 'pem' }) : privateKey.export({ type: 'sec1', format: 'pem' });
  return { keys, privateKeyPem: privateKeyPem.toString() };
}

/** An RSA-4096 key as PKCS#1 `RSA PRIVATE KEY`: Talos' service-account key since config 1.7. */
export async function generateRsaKeyPem(modulusLength = 4096): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/** Imports a CA's PEM private key (any label Talos writes) as a WebCrypto signing key. */
export async function importSigningKey(pem: string): Promise<{ key: webcrypto.CryptoKey; algorithm: KeyAlgorithm }> {
  const keyObject = createPrivateKey(normalizePrivateKeyPem(pem));
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const type = keyObject.asymmetricKeyType;
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  let algorithm: KeyAlgorithm;
  if (type === 'ed25519') algorithm = 'ed25519';
  else if (type === 'ec' && curve === 'prime256v1') algorithm = 'ecdsa-p256';
  else throw new Error(`unsupported CA key type ${type ?? 'unknown'}${curve ? ` (${curve})` : ''}`);
  const key = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, generateParams[algorithm], false, ['sign']);
  return { key, algorithm };
}
