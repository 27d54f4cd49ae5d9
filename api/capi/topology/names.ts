import { fnv1a64, stableStringify } from '../../hash.ts';

// Kubernetes' generated-name alphabet (no vowels, no look-alike digits), as CAPI's random suffixes use it.
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
const suffixLength = 5;
const maxNameLength = 63;

/** Five characters of `alphabet` derived from `seed`: CAPI's random suffix, but the same for the same input. */
export function nameSuffix(seed: unknown): string {
  let n = BigInt(`0x${fnv1a64(stableStringify(seed))}`);
  let out = '';
  for (let i = 0; i < suffixLength; i += 1) {
    out += alphabet.charAt(Number(n % BigInt(alphabet.length)));
    n /= BigInt(alphabet.length);
  }
  return out;
}

/**
 * `<prefix><suffix>` as CAPI's topology names objects (`demo-` + `x7k2q`, `demo-md-0-` + `p4z9b`),
 * the prefix cut so the name stays within 63 characters.
 */
export function generatedName(prefix: string, seed: unknown): string {
  return `${prefix.slice(0, maxNameLength - suffixLength)}${nameSuffix(seed)}`;
}
