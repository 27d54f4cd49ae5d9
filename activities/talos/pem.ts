/** base64 of a PEM text: how Talos machine configs, talosconfigs and kubeconfigs embed PEM. */
export function pemToBase64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}

/** The PEM text inside a base64 field; throws when the field is not base64 of a PEM block. */
export function base64ToPem(encoded: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new Error('not base64');
  const pem = Buffer.from(encoded, 'base64').toString('utf8');
  if (!pemLabel(pem)) throw new Error('not base64 of a PEM block');
  return pem;
}

/** The label of the first PEM block (`CERTIFICATE`, `EC PRIVATE KEY`, ...), or undefined. */
export function pemLabel(pem: string): string | undefined {
  return /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n/.exec(pem.trimStart())?.[1];
}

/**
 * siderolabs/crypto labels PKCS#8 Ed25519 keys `ED25519 PRIVATE KEY`, which OpenSSL 3 (and so
 * Node) refuses; the body is plain PKCS#8, so the standard label reads everywhere, Talos included.
 */
export function normalizePrivateKeyPem(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, '-----$1 PRIVATE KEY-----');
}
