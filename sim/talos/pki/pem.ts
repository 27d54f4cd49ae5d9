// PEM helpers for what machine configs carry: base64 of PEM, and Ed25519 keys labelled the
// siderolabs/crypto way.

/** Decodes a config's base64 field to PEM text; undefined when it is not base64 of a PEM block. */
export function pemFromBase64(encoded: string | undefined): string | undefined {
  if (encoded === undefined || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(encoded)) return undefined;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  return /^-----BEGIN [A-Z0-9 ]+-----/.test(text.trimStart()) ? text : undefined;
}

/**
 * siderolabs/crypto writes PKCS#8 Ed25519 keys as `ED25519 PRIVATE KEY`, which OpenSSL (and so
 * Node) refuses; the body is plain PKCS#8, so the standard label is the same key.
 */
export function opensslKeyPem(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, '-----$1 PRIVATE KEY-----');
}
