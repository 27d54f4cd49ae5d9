const offset = 0xcbf29ce484222325n;
const prime = 0x100000001b3n;
const mask = (1n << 64n) - 1n;

/** FNV-1a (64 bit) of a string's UTF-16 code units as hex: deterministic and cheap, not cryptographic. */
export function fnv1a64(text: string): string {
  let hash = offset;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * prime) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}

/** JSON with object keys sorted, so equal values always serialize (and hash) the same way. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  // As JSON does for array slots; object keys holding undefined were dropped above.
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}
