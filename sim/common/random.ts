// A small seeded PRNG (mulberry32) so whatever a simulator invents (MACs, UUIDs, pids, etcd
// member ids, injected faults) repeats with a seed.

/** Seeded randomness for everything a simulator invents. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string;
  /** A random uint64 as a decimal string (etcd member ids), never 0. */
  uint64(): string;
  /** A random (version 4 layout) UUID. */
  uuid(): string;
}

/** A PRNG seeded with `seed` (any 32-bit integer). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  const hex = (bytes: number): string => Array.from({ length: bytes }, () => int(256).toString(16).padStart(2, '0')).join('');
  const uuid = (): string => {
    const h = hex(16);
    const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
  };
  const uint64 = (): string => {
    const value = BigInt(`0x${hex(8)}`);
    return (value === 0n ? 1n : value).toString();
  };
  return { next, int, hex, uuid, uint64 };
}
