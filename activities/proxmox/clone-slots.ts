/**
 * Where a clone waits for its turn on a storage: the semaphore shared by every worker through
 * Temporal (shared-clone-slots.ts) or, outside a worker, the in-process CloneLimiter.
 */
export interface CloneSlots {
  /** Runs `work` once a slot on `storage` is free; `first` goes ahead of the others waiting. */
  run<T>(storage: string, work: () => Promise<T>, options?: { readonly first?: boolean }): Promise<T>;
}
