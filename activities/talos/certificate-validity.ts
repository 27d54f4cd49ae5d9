import { createHash } from 'node:crypto';
import type { Validity } from '../../plan/credential-renewal.ts';
import { x509 } from './x509.ts';

/** What a renewal check needs of a certificate: its validity window and its fingerprint. */
export interface CertificateDates extends Validity {
  /** SHA-256 of the DER, hex. */
  readonly fingerprint: string;
}

/** Reads a PEM certificate's validity window and fingerprint. */
export function certificateDates(pem: string): CertificateDates {
  const certificate = new x509.X509Certificate(pem);
  return {
    notBefore: certificate.notBefore.getTime(),
    notAfter: certificate.notAfter.getTime(),
    fingerprint: createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex'),
  };
}
