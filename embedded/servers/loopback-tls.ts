import { KeyObject, randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { x509 } from '../../sim/common/x509.ts';

/** A throwaway CA and the server certificate it signed for 127.0.0.1 and localhost, all PEM. */
export interface LoopbackTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

// ECDSA P-256: made in milliseconds, unlike RSA, and every TLS stack accepts it.
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;
const dayMs = 24 * 3_600_000;

/**
 * A CA of its own (a fresh subject each time, so trusting one server's CA trusts no other) and a
 * serverAuth certificate it signs, for a server a test runs on loopback.
 */
export async function createLoopbackTls(label: string): Promise<LoopbackTls> {
  const subtle = globalThis.crypto.subtle;
  const [caKeys, serverKeys] = await Promise.all([
    subtle.generateKey(ecdsa, true, ['sign', 'verify']),
    subtle.generateKey(ecdsa, true, ['sign', 'verify']),
  ]);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [`${label} test CA`] }, { OU: [randomUUID()] }],
    notBefore: new Date(now - dayMs),
    notAfter: new Date(now + 30 * dayMs),
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
    subject: [{ CN: [label] }],
    issuer: ca.subjectName,
    notBefore: new Date(now - dayMs),
    notAfter: new Date(now + 30 * dayMs),
    signingAlgorithm: signing,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
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
