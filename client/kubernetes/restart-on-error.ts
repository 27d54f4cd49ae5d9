import type { Informer, KubernetesObject } from '@kubernetes/client-node';

export interface RestartOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called with each error before the restart, e.g. to log it. */
  readonly onError?: (error: unknown) => void;
}

/**
 * client-node informers stop on any error other than a normal stream end or 410 Gone (a 429
 * while a new CRD's watch cache initialises is enough). This restarts one with capped
 * exponential backoff until the returned function is called.
 */
export function restartOnError<T extends KubernetesObject>(informer: Informer<T>, options: RestartOptions = {}): () => void {
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  let delayMs = initialDelayMs;
  let lastErrorAt = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const onError = (error: unknown): void => {
    options.onError?.(error);
    if (stopped) return;
    // A quiet spell since the last error means the informer had recovered: start over small.
    if (Date.now() - lastErrorAt > 2 * maxDelayMs) delayMs = initialDelayMs;
    lastErrorAt = Date.now();
    timer = setTimeout(() => {
      informer.start().catch(() => {
        // A failed start emits 'error' too, which schedules the next attempt.
      });
    }, delayMs);
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  };
  informer.on('error', onError);
  return () => {
    stopped = true;
    clearTimeout(timer);
    informer.off('error', onError);
  };
}
