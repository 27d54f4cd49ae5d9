import { randomBytes } from 'node:crypto';
import { generateKey, importSigningKey, signingAlgorithm, type KeyAlgorithm } from './keys.ts';
import { x509 } from './x509.ts';

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  readonly crt: string;
  readonly key: string;
}

/** Subject fields Talos sets: organizations (roles, `system:masters`) and an optional common name. */
export interface Subject {
  readonly organizations?: readonly string[];
  readonly commonName?: string;
}

const extendedKeyUsage = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
/** Extended key usages Talos puts on its certificates. */
export type ExtendedKeyUsageName = keyof typeof extendedKeyUsage;

/** Key usages Talos puts on leaf certificates. */
export type KeyUsageName = 'digitalSignature' | 'keyEncipherment';

// Go's pkix.Name orders O before CN, and so does every certificate Talos issues.
function toJsonName(subject: Subject): x509.JsonName {
  const name: x509.JsonName = [];
  if (subject.organizations?.length) name.push({ O: [...subject.organizations] });
  if (subject.commonName) name.push({ CN: [subject.commonName] });
  return name;
}

// Like siderolabs/crypto's NewSerialNumber: 128 random bits, kept positive and minimally encoded.
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** Parameters of a self-signed CA, as Talos' secrets generator builds them. */
export interface CertificateAuthorityParams {
  readonly algorithm: KeyAlgorithm;
  readonly subject: Subject;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Creates a self-signed CA: CA:true, certSign+digitalSignature, server+client auth (as Talos). */
export async function createCertificateAuthority(params: CertificateAuthorityParams): Promise<CertificateAndKey> {
  const { keys, privateKeyPem } = await generateKey(params.algorithm);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: toJsonName(params.subject),
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    signingAlgorithm: signingAlgorithm(params.algorithm),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([extendedKeyUsage.serverAuth, extendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { crt: certificate.toString('pem') + '\n', key: privateKeyPem };
}

/** Parameters of a certificate issued by one of the cluster's CAs. */
export interface IssueCertificateParams {
  readonly ca: CertificateAndKey;
  readonly subject: Subject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyUsages: readonly KeyUsageName[];
  readonly extendedKeyUsages: readonly ExtendedKeyUsageName[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

/**
 * Issues a certificate with a fresh key of the CA's own algorithm, the way siderolabs/crypto's
 * NewKeyPair does: an Ed25519 CA issues Ed25519 certificates, an ECDSA CA ECDSA P-256 ones.
 */
export async function issueCertificate(params: IssueCertificateParams): Promise<CertificateAndKey> {
  const caCertificate = new x509.X509Certificate(params.ca.crt);
  const signer = await importSigningKey(params.ca.key);
  const { keys, privateKeyPem } = await generateKey(signer.algorithm);
  const keyUsageFlags = params.keyUsages.reduce((flags, usage) => flags | x509.KeyUsageFlags[usage], 0);
  const extensions: x509.Extension[] = [
    // KeyUsageFlags is typed as an enum but holds bit flags: an OR of members is a valid value.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    new x509.KeyUsagesExtension(keyUsageFlags, true),
    new x509.ExtendedKeyUsageExtension(params.extendedKeyUsages.map((usage) => extendedKeyUsage[usage])),
  ];
  // Point at the CA's own key ID (talosctl's are random, not a key hash) so issuer lookup matches.
  const caKeyId = caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (caKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId));
  const altNames = [
    ...(params.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(params.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: toJsonName(params.subject),
    issuer: caCertificate.subjectName,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    signingAlgorithm: signingAlgorithm(signer.algorithm),
    publicKey: keys.publicKey,
    signingKey: signer.key,
    extensions,
  });
  return { crt: certificate.toString('pem') + '\n', key: privateKeyPem };
}
