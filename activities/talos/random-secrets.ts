import { randomBytes, randomInt } from 'node:crypto';

const tokenAlphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The `[a-z0-9]{6}.[a-z0-9]{16}` shape of Kubernetes bootstrap tokens and Talos trustd tokens. */
export const tokenPattern = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

function randomTokenPart(length: number): string {
  // randomInt is uniform over the alphabet, like Talos' rejection sampling of bytes >= 252.
  return Array.from({ length }, () => tokenAlphabet[randomInt(tokenAlphabet.length)]).join('');
}

/** A fresh `abcdef.0123456789abcdef` token, as Talos' genToken(6, 16) makes them. */
export function randomToken(): string {
  return `${randomTokenPart(6)}.${randomTokenPart(16)}`;
}

/** base64 of `size` random bytes: cluster id/secret and the secretbox key (32 bytes each). */
export function randomBase64(size = 32): string {
  return randomBytes(size).toString('base64');
}
