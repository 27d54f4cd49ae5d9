// The addresses a cluster's Kubernetes API answers at change as a shared IP moves between control
// planes. Changes are applied one after another, so the old holder's listener is gone before the
// new one binds the same address.
import { createEndpointProxy } from './endpoint-proxy.ts';
import type { EndpointProxy } from './endpoint-proxy.ts';

/** One address the API should answer at; a new `key` for the same address is a new listener. */
export interface WantedListener {
  readonly key: string;
  readonly host: string;
  readonly port: number;
}

/** The listeners of one cluster. */
export interface EndpointListeners {
  /** Opens what is wanted and not open, closes what is open and not wanted (in the background). */
  set(wanted: readonly WantedListener[]): void;
  /** Closes every listener and waits for pending changes. */
  closeAll(): Promise<void>;
}

/** Listeners forwarding to `targetHost:targetPort`; `warn` hears of addresses that cannot be bound. */
export function createEndpointListeners(targetHost: string, targetPort: number, warn: (message: string) => void): EndpointListeners {
  const open = new Map<string, EndpointProxy>();
  let changes = Promise.resolve();
  return {
    set: (wanted) => {
      const keys = new Set(wanted.map((listener) => listener.key));
      const closing = [...open].filter(([key]) => !keys.has(key)).map(([key, proxy]) => ({ key, proxy }));
      const opening = wanted.filter((listener) => !open.has(listener.key));
      if (closing.length === 0 && opening.length === 0) return;
      for (const { key } of closing) open.delete(key);
      const created = opening.map((listener) => {
        const proxy = createEndpointProxy(listener.host, listener.port, targetHost, targetPort);
        open.set(listener.key, proxy);
        return { listener, proxy };
      });
      changes = changes.then(async () => {
        await Promise.all(closing.map(({ proxy }) => proxy.close()));
        for (const { listener, proxy } of created)
          await proxy.open().catch((error: unknown) => {
            warn(`cannot serve ${listener.host}:${listener.port}: ${String(error)}`);
          });
      });
    },
    closeAll: async () => {
      const all = [...open.values()];
      open.clear();
      changes = changes.then(async () => {
        await Promise.all(all.map((proxy) => proxy.close()));
      });
      await changes;
    },
  };
}
