/** What a handler asks of the queue after a successful run. */
export interface HandlerResult {
  /** Run the key again after this long (e.g. to wait for something that sends no event). */
  readonly requeueAfterMs?: number;
}

export interface WorkQueueOptions {
  /** Keys handled at once (never the same key twice at once). */
  readonly concurrency?: number;
  /** First retry delay after a failure; doubles per consecutive failure of the key. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called with each failure before its retry is scheduled. */
  readonly onError?: (key: string, error: unknown, retryInMs: number) => void;
}

/**
 * client-go's workqueue semantics: a key is queued at most once; a key added while it is being
 * handled runs once more afterwards (nothing is lost, nothing runs twice at once); a failing key
 * retries with capped exponential backoff, reset by a success.
 */
export class WorkQueue {
  readonly #handler: (key: string) => Promise<HandlerResult | undefined>;
  readonly #concurrency: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #onError: WorkQueueOptions['onError'];
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Map<string, Promise<void>>();
  readonly #dirty = new Set<string>();
  readonly #delayed = new Map<string, { readonly at: number; readonly timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  #running = false;
  #idleWaiters: Array<() => void> = [];

  constructor(handler: (key: string) => Promise<HandlerResult | undefined>, options: WorkQueueOptions = {}) {
    this.#handler = handler;
    this.#concurrency = options.concurrency ?? 4;
    this.#baseDelayMs = options.baseDelayMs ?? 200;
    this.#maxDelayMs = options.maxDelayMs ?? 60_000;
    this.#onError = options.onError;
  }

  /** Queues a key (once); keys added while stopped wait for start(). */
  add(key: string): void {
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  /** Queues a key after a delay; an earlier pending delay for it wins. */
  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { at, timer });
  }

  /** Keys waiting for a handler now: neither running nor waiting out a delay. */
  get depth(): number {
    return this.#queue.length;
  }

  /** Consecutive failures of a key (0 after a success). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Starts handling keys. */
  start(): void {
    this.#running = true;
    this.#pump();
  }

  /**
   * Stops handling keys and drops every queued and delayed one (a new leader lists everything
   * again); resolves when the runs in flight have ended.
   */
  async stop(): Promise<void> {
    this.#running = false;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    this.#queue.length = 0;
    this.#queued.clear();
    this.#dirty.clear();
    this.#failures.clear();
    await Promise.all(this.#processing.values());
    this.#notifyIdle();
  }

  /** Resolves when nothing is queued or running (delayed keys do not count); for tests. */
  async idle(): Promise<void> {
    if (this.#isIdle()) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#processing.size === 0 && (this.#queue.length === 0 || !this.#running);
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #pump(): void {
    while (this.#running && this.#processing.size < this.#concurrency && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#processing.set(key, this.#run(key));
    }
    this.#notifyIdle();
  }

  async #run(key: string): Promise<void> {
    let result: HandlerResult | undefined;
    try {
      result = await this.#handler(key);
      this.#failures.delete(key);
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const retryInMs = Math.min(this.#baseDelayMs * 2 ** (failures - 1), this.#maxDelayMs);
      this.#onError?.(key, error, retryInMs);
      if (this.#running) this.addAfter(key, retryInMs);
    }
    this.#processing.delete(key);
    if (this.#running && result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    if (this.#dirty.delete(key) && this.#running) this.add(key);
    // Let the caller's bookkeeping (`#processing.set`) happen before the next pump.
    queueMicrotask(() => {
      this.#pump();
    });
  }
}
