// Seeded randomness (mulberry32) for etcd member ids, actor ids and pod names, so a seed
// makes a run repeatable.

/** Seeded randomness for everything the Talos simulator invents. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string;
  /** A random uint64 as a decimal string (etcd member ids), never 0. */
  uint64(): string;
  /** A version-4-shaped UUID (actor ids). */
  uuid(): string;
}

/** A PRNG seeded with `seed`. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (bytes: number): string =>
    Array.from({ length: bytes }, () => Math.floor(next() * 256).toString(16).padStart(2, '0')).join('');
  return {
    next,
    hex,
    uint64: () => {
      const value = BigInt(`0x${hex(8)}`);
      return (value === 0n ? 1n : value).toString();
    },
    uuid: () => {
      const h = hex(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}
