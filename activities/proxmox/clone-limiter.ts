import type { CloneSlots } from './clone-slots.ts';

/**
 * Bounds how many clones run at once per storage within one process: used where no Temporal client
 * is at hand (an activity called outside a worker); workers share shared-clone-slots.ts. Real Proxmox times out
 * storage locks when many clones hit one storage together (CAPMOX #389). A clone asked for with
 * `first` (a control plane: the cluster's critical path runs through it) takes the next free slot
 * before the others waiting.
 */
export class CloneLimiter implements CloneSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<{ readonly first: boolean; readonly go: () => void }>>();

  constructor(private readonly perStorage: number) {
    if (perStorage < 1) throw new Error('clone concurrency per storage must be at least 1');
  }

  /**
   * Runs `work` once fewer than `perStorage` clones are running on `storage`. Within one process
   * there is no retry to take a slot over, so the slot is given back however `work` ends.
   */
  async run<T>(
    storage: string,
    _key: string,
    work: (submitted: () => void, stopped: () => void) => Promise<T>,
    options: { readonly first?: boolean } = {},
  ): Promise<T> {
    await this.acquire(storage, options.first === true);
    try {
      return await work(
        () => undefined,
        () => undefined,
      );
    } finally {
      this.release(storage);
    }
  }

  /** Nothing to give back: every run gave its slot back when it ended. */
  ended(): Promise<void> {
    return Promise.resolve();
  }

  /** Clones running on `storage` right now. */
  active(storage: string): number {
    return this.running.get(storage) ?? 0;
  }

  private acquire(storage: string, first: boolean): Promise<void> {
    if (this.active(storage) < this.perStorage) {
      this.running.set(storage, this.active(storage) + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(storage) ?? [];
      // Behind the other firsts, ahead of everyone else.
      const at = first ? queue.findIndex((w) => !w.first) : -1;
      queue.splice(at === -1 ? queue.length : at, 0, { first, go: resolve });
      this.waiting.set(storage, queue);
    });
  }

  private release(storage: string): void {
    const next = this.waiting.get(storage)?.shift();
    // The slot passes straight to the next waiter; the count stays the same.
    if (next) next.go();
    else this.running.set(storage, this.active(storage) - 1);
  }
}
