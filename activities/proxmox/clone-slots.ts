/**
 * Where a clone waits for its turn on a storage: the semaphore shared by every worker through
 * Temporal (shared-clone-slots.ts) or, outside a worker, the in-process CloneLimiter.
 */
export interface CloneSlots {
  /**
   * Runs `work` once a slot on `storage` is free; `first` goes ahead of the others waiting. `work`
   * calls `submitted` once Proxmox may be cloning: a failure after that leaves the slot held (the
   * clone goes on in Proxmox), for the retry of the activity to take over, unless `work` called
   * `stopped` first (Proxmox reported the clone's task ended, failed or not). `key` names the clone
   * within its activity (its VMID), the same in every attempt.
   */
  run<T>(
    storage: string,
    key: string,
    work: (submitted: () => void, stopped: () => void) => Promise<T>,
    options?: { readonly first?: boolean },
  ): Promise<T>;
  /** The clone `key` of an earlier attempt of this activity has ended: gives back the slot it left held. */
  ended(storage: string, key: string): Promise<void>;
}
