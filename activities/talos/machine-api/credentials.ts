import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { normalizePrivateKeyPem } from '../pem.ts';

/**
 * How to reach apid: `maintenance` for a node that has no config yet (self-signed server
 * certificate, no client certificate asked, so nothing to verify: talosctl `--insecure`), or
 * `mtls` with the talosconfig's OS CA and admin client certificate.
 */
export type TalosCredentials =
  { readonly kind: 'maintenance' } | { readonly kind: 'mtls'; readonly caPem: string; readonly certPem: string; readonly keyPem: string };

/** Maintenance-mode credentials. */
export const maintenanceCredentials: TalosCredentials = { kind: 'maintenance' };

/** The grpc-js channel credentials (TLS always; ALPN h2 is set by grpc-js). */
export function channelCredentials(creds: TalosCredentials): ChannelCredentials {
  if (creds.kind === 'maintenance') return credentials.createSsl(null, null, null, { rejectUnauthorized: false });
  // OpenSSL 3 refuses siderolabs/crypto's `ED25519 PRIVATE KEY` label; the body is plain PKCS#8.
  return credentials.createSsl(Buffer.from(creds.caPem), Buffer.from(normalizePrivateKeyPem(creds.keyPem)), Buffer.from(creds.certPem));
}
