// One port that serves the API over TLS only, like pveproxy's 8006. pveproxy starts TLS on the
// first bytes a client sends; a request that arrives in the clear is read up to its header and
// redirected (redirect-to-https.ts). The first byte tells them apart: a TLS connection opens with
// a handshake record (content type 22).
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { redirectToHttps } from './redirect-to-https.ts';

const tlsHandshakeRecord = 0x16;

/** A listening TLS-only port. */
export interface TlsOnlyPort {
  readonly port: number;
  /** Stops accepting and drops every open connection. */
  close(): Promise<void>;
}

/** Listens on `host:port` and serves `handler` over TLS with the given certificate. */
export async function listenTlsOnly(options: {
  readonly host: string;
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly handler: RequestListener;
}): Promise<TlsOnlyPort> {
  const https = createHttpsServer({ cert: options.certPem, key: options.keyPem }, options.handler);
  // Host is checked by the redirect itself, the way pveproxy checks it.
  const clear = createHttpServer({ requireHostHeader: false }, redirectToHttps);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Errors also reach whichever server the socket is handed to; this keeps an early reset quiet.
    socket.on('error', () => undefined);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === tlsHandshakeRecord) {
        // The TLS layer reads a net.Socket's handle directly and would miss the byte put back;
        // a plain stream around it is read through the stream, byte included.
        https.emit('connection', Duplex.from({ readable: socket, writable: socket }));
      } else {
        clear.emit('connection', socket);
      }
      socket.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      }),
  };
}
