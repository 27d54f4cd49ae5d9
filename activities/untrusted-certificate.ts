// Shared by every client that talks TLS to a server an operator configures (Proxmox VE, object
// stores): an untrusted certificate is an operator's fix, not a passing fault.

// OpenSSL's verification results (and Node's host-name check) as Node reports them in `code`.
const untrustedCertificateCodes = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS verification failure inside a failed request, if that is why it failed. */
export function untrustedCertificateCause(error: unknown): (Error & { code: string }) | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && untrustedCertificateCodes.has(code)) return cause as Error & { code: string };
  }
  return undefined;
}
