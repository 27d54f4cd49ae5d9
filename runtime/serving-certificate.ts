import { KeyObject, randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { x509 } from './x509.ts';

/** A CA of its own and the serving certificate it signed, all PEM; the CA goes in clients' trust (a CRD's caBundle). */
export interface ServingCertificate {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Who the certificate is for: the names and addresses clients dial. */
export interface ServingCertificateRequest {
  /** Common name of the certificate, and of its CA with " CA" added. */
  readonly label: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly validDays: number;
}

// ECDSA P-256: made in milliseconds, unlike RSA, and every TLS stack (Go's included) accepts it.
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;
const dayMs = 24 * 3_600_000;

/**
 * A fresh CA (a new subject each time, so trusting one server's CA trusts no other) and a
 * serverAuth certificate it signs for the request's names. The CA's key is dropped: nothing else
 * is ever signed with it, and a restart makes a new pair.
 */
export async function createServingCertificate(request: ServingCertificateRequest): Promise<ServingCertificate> {
  const names = [
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
  ];
  if (names.length === 0) throw new Error(`the serving certificate for ${request.label} needs a DNS name or an IP address`);
  const subtle = globalThis.crypto.subtle;
  const [caKeys, serverKeys] = await Promise.all([
    subtle.generateKey(ecdsa, true, ['sign', 'verify']),
    subtle.generateKey(ecdsa, true, ['sign', 'verify']),
  ]);
  const now = Date.now();
  const notBefore = new Date(now - dayMs);
  const notAfter = new Date(now + request.validDays * dayMs);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [`${request.label} CA`] }, { OU: [randomUUID()] }],
    notBefore,
    notAfter,
    signingAlgorithm: signing,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ CN: [request.label] }],
    issuer: ca.subjectName,
    notBefore,
    notAfter,
    signingAlgorithm: signing,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return { caPem: `${ca.toString('pem')}\n`, certPem: `${server.toString('pem')}\n`, keyPem: keyPem(serverKeys.privateKey) };
}

function keyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

// Any positive 16-byte number serves as a serial.
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}
