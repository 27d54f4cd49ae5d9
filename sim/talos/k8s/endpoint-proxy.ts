// One address the Kubernetes API answers at (a held shared IP, a load balancer) is a TCP
// pass-through to the cluster's kube-apiserver. Closing it makes the API unreachable there at
// once (quorum lost, the IP moved) without restarting the apiserver; TLS stays end to end.
import { createServer, connect } from 'node:net';
import type { Socket } from 'node:net';

/** A listener on the endpoint that forwards to the apiserver while open. */
export interface EndpointProxy {
  /** Starts accepting connections (no-op when open). */
  open(): Promise<void>;
  /** Stops accepting and drops every open connection (no-op when closed). */
  close(): Promise<void>;
}

/** A proxy from `host:port` to `targetHost:targetPort`, initially closed. */
export function createEndpointProxy(host: string, port: number, targetHost: string, targetPort: number): EndpointProxy {
  const sockets = new Set<Socket>();
  let server: ReturnType<typeof createServer> | undefined;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  return {
    open: async () => {
      if (server !== undefined) return;
      const listener = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        track(client);
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server = listener;
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, host, () => {
          listener.off('error', reject);
          resolve();
        });
      }).catch((error: unknown) => {
        server = undefined;
        throw error;
      });
    },
    close: async () => {
      const listener = server;
      if (listener === undefined) return;
      server = undefined;
      const closed = new Promise<void>((resolve) =>
        listener.close(() => {
          resolve();
        }),
      );
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}
