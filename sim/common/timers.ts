// Every timer a simulator starts goes through here, so stop() can cancel them all.

/** Tracked timers. */
export interface Timers {
  /** Runs `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  /** Resolves after `ms` (still cancelled by `clear`, which then never resolves it). */
  sleep(ms: number): Promise<void>;
  /** Cancels every pending timer. */
  clear(): void;
}

/** A fresh timer registry. */
export function createTimers(): Timers {
  const pending = new Set<NodeJS.Timeout>();
  const after = (ms: number, fn: () => void): (() => void) => {
    const handle = setTimeout(
      () => {
        pending.delete(handle);
        fn();
      },
      Math.max(0, ms),
    );
    pending.add(handle);
    return () => {
      clearTimeout(handle);
      pending.delete(handle);
    };
  };
  return {
    after,
    sleep: (ms) => new Promise((resolve) => after(ms, resolve)),
    clear: () => {
      for (const handle of pending) clearTimeout(handle);
      pending.clear();
    },
  };
}
