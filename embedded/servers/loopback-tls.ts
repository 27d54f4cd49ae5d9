import { createServingCertificate, type ServingCertificate } from '../../runtime/serving-certificate.ts';

/** A throwaway CA and the server certificate it signed for 127.0.0.1 and localhost, all PEM. */
export type LoopbackTls = ServingCertificate;

/** A CA of its own and a serverAuth certificate it signs, for a server a test runs on loopback. */
export function createLoopbackTls(label: string): Promise<LoopbackTls> {
  return createServingCertificate({ label: `${label} test`, ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], validDays: 30 });
}
