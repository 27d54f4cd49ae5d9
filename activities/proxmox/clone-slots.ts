/** Resolves true once the clone's Proxmox task stopped (any outcome), false if it still runs after `withinMs`. */
export type TaskStops = (withinMs: number) => Promise<boolean>;

/**
 * Where a clone waits for its turn on a storage: the semaphore shared by every worker through
 * Temporal (shared-clone-slots.ts) or, outside a worker, the in-process CloneLimiter.
 */
export interface CloneSlots {
  /**
   * Runs `work` once a slot on `storage` is free; `first` goes ahead of the others waiting. `work`
   * calls `submitted` once Proxmox may be cloning: a failure after that leaves the slot held (the
   * clone goes on in Proxmox), for the retry of the activity to take over, unless `work` called
   * `stopped` first (Proxmox reported the clone's task ended, failed or not). `submitted` may be
   * given a way to learn whether that task stops within a time: the slot is then given back when
   * it does, also after this activity ended (its run terminated or reset, say). `key` names the
   * clone within its activity (its VMID), the same in every attempt.
   */
  run<T>(
    storage: string,
    key: string,
    work: (submitted: (taskStops?: TaskStops) => void, stopped: () => void) => Promise<T>,
    options?: { readonly first?: boolean },
  ): Promise<T>;
  /** The clone `key` of an earlier attempt of this activity has ended: gives back the slot it left held. */
  ended(storage: string, key: string): Promise<void>;
}
