import { delay } from './managed-process.ts';

/** Retries `check` until it stops throwing; past the deadline its last error is thrown. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(intervalMs);
    }
  }
}
