// Certificates the simulated nodes need: apid serving certs from the OS CA (Ed25519), the
// maintenance self-signed cert, and Kubernetes certs from the cluster CA (ECDSA P-256).
import { KeyObject, createPrivateKey, randomBytes, type webcrypto } from 'node:crypto';
import { opensslKeyPem } from './pem.ts';
import { x509 } from './x509.ts';

/** A certificate and its key, both PEM (the key with a label OpenSSL reads). */
export interface CertAndKey {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What goes into a leaf certificate. */
export interface LeafSpec {
  readonly commonName?: string;
  readonly organizations?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly usage: 'server' | 'client' | 'both';
  readonly validityMs?: number;
  /** When it is issued, ms since the epoch (default: now). */
  readonly issuedAt?: number;
}

type Algorithm = 'ed25519' | 'ecdsa';
const keyParams: Record<Algorithm, webcrypto.Algorithm | webcrypto.EcKeyGenParams> = {
  ed25519: { name: 'Ed25519' },
  ecdsa: { name: 'ECDSA', namedCurve: 'P-256' },
};
const signParams: Record<Algorithm, webcrypto.Algorithm | webcrypto.EcdsaParams> = {
  ed25519: { name: 'Ed25519' },
  ecdsa: { name: 'ECDSA', hash: 'SHA-256' },
};
const yearMs = 365 * 24 * 3_600_000;
// Talos back-dates certificates by its allowed clock skew.
const skewMs = 10_000;

async function newKeyPair(algorithm: Algorithm): Promise<{ keys: webcrypto.CryptoKeyPair; keyPem: string }> {
  const keys = (await globalThis.crypto.subtle.generateKey(keyParams[algorithm], true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const keyObject = KeyObject.from(keys.privateKey);
  const keyPem =
    algorithm === 'ed25519' ? keyObject.export({ type: 'pkcs8', format: 'pem' }) : keyObject.export({ type: 'sec1', format: 'pem' });
  return { keys, keyPem: keyPem.toString() };
}

function name(spec: Pick<LeafSpec, 'commonName' | 'organizations'>): x509.JsonName {
  const result: x509.JsonName = [];
  if (spec.organizations?.length) result.push({ O: [...spec.organizations] });
  if (spec.commonName !== undefined) result.push({ CN: [spec.commonName] });
  return result;
}

function leafExtensions(spec: LeafSpec, ca: boolean): x509.Extension[] {
  const usages = { server: ['1.3.6.1.5.5.7.3.1'], client: ['1.3.6.1.5.5.7.3.2'], both: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] }[
    spec.usage
  ];
  const flags = ca
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature
    : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(ca, undefined, true),
    // KeyUsageFlags is typed as an enum but holds bit flags: an OR of members is a valid value.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    new x509.KeyUsagesExtension(flags, true),
    new x509.ExtendedKeyUsageExtension(usages),
  ];
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  return extensions;
}

const serial = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
};

/** Issues a leaf certificate signed by `ca` (PEM cert + key), with a fresh key of the CA's algorithm. */
export async function issueCertificate(ca: { readonly certPem: string; readonly keyPem: string }, spec: LeafSpec): Promise<CertAndKey> {
  const caKey = createPrivateKey(opensslKeyPem(ca.keyPem));
  const algorithm: Algorithm = caKey.asymmetricKeyType === 'ed25519' ? 'ed25519' : 'ecdsa';
  const signingKey = await globalThis.crypto.subtle.importKey(
    'pkcs8',
    caKey.export({ type: 'pkcs8', format: 'der' }),
    keyParams[algorithm],
    false,
    ['sign'],
  );
  const caCert = new x509.X509Certificate(ca.certPem);
  const { keys, keyPem } = await newKeyPair(algorithm);
  const now = spec.issuedAt ?? Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: name(spec),
    issuer: caCert.subjectName,
    // A simulated clock only runs ahead of the wall clock, and real servers (kube-apiserver) read
    // the wall clock: a certificate that starts no later than the wall clock works there too.
    notBefore: new Date(Math.min(now, Date.now()) - skewMs),
    notAfter: new Date(now + (spec.validityMs ?? yearMs)),
    signingAlgorithm: signParams[algorithm],
    publicKey: keys.publicKey,
    signingKey,
    extensions: leafExtensions(spec, false),
  });
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: opensslKeyPem(keyPem) };
}

/** A self-signed certificate (the maintenance-mode apid cert, or a CA for tests of refusal). */
export async function selfSigned(spec: LeafSpec & { readonly algorithm?: Algorithm; readonly ca?: boolean }): Promise<CertAndKey> {
  const algorithm = spec.algorithm ?? 'ed25519';
  const { keys, keyPem } = await newKeyPair(algorithm);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: name(spec),
    notBefore: new Date(now - skewMs),
    notAfter: new Date(now + (spec.validityMs ?? yearMs)),
    signingAlgorithm: signParams[algorithm],
    keys,
    extensions: leafExtensions(spec, spec.ca ?? false),
  });
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: opensslKeyPem(keyPem) };
}

/** The Organization values of a DER certificate (Talos roles live there). */
export function organizationsOf(der: Buffer): string[] {
  return new x509.X509Certificate(der).subjectName.getField('O');
}
