/**
 * Bounds how many clones run at once per storage within this worker. Real Proxmox times out
 * storage locks when many clones hit one storage together (CAPMOX #389).
 */
export class CloneLimiter {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perStorage: number) {
    if (perStorage < 1) throw new Error('clone concurrency per storage must be at least 1');
  }

  /** Runs `work` once fewer than `perStorage` clones are running on `storage`. */
  async run<T>(storage: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(storage);
    try {
      return await work();
    } finally {
      this.release(storage);
    }
  }

  /** Clones running on `storage` right now. */
  active(storage: string): number {
    return this.running.get(storage) ?? 0;
  }

  private acquire(storage: string): Promise<void> {
    if (this.active(storage) < this.perStorage) {
      this.running.set(storage, this.active(storage) + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(storage) ?? [];
      queue.push(resolve);
      this.waiting.set(storage, queue);
    });
  }

  private release(storage: string): void {
    const next = this.waiting.get(storage)?.shift();
    // The slot passes straight to the next waiter; the count stays the same.
    if (next) next();
    else this.running.set(storage, this.active(storage) - 1);
  }
}
