/**
 * The pauses between the looks of a wait: short at first (most Proxmox tasks and many Talos and
 * Kubernetes waits end within a second), doubling up to `capMs`, so a quick step is seen done
 * quickly and a long wait costs the API no more than a fixed interval would.
 */
export function pollBackoff(capMs: number, firstMs = 100): () => number {
  let next = Math.min(firstMs, capMs);
  return () => {
    const pause = next;
    next = Math.min(next * 2, capMs);
    return pause;
  };
}
