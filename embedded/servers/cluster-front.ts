// What a simulated cluster's clients reach in light mode: a TLS server with the cluster's own
// serving certificate that checks client certificates against the cluster's own Kubernetes CA and
// pipes the decrypted bytes to the shared kube-apiserver over a second TLS connection. HTTP is
// never parsed, so watches, exec and port-forward upgrades pass unchanged.
import type { Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type PeerCertificate, type TLSSocket } from 'node:tls';

/** Who the client proved to be at this front. */
export type FrontIdentity =
  | { readonly kind: 'none' }
  /** A certificate this cluster's CA did not sign, or one out of its validity. */
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'user'; readonly commonName: string; readonly organizations: readonly string[] };

/** A client certificate (PEM) for the upstream connection. */
export interface UpstreamCredentials {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Where a front forwards to and how it speaks there. */
export interface FrontUpstream {
  readonly host: string;
  readonly port: number;
  /** CA of the shared apiserver's serving certificate. */
  readonly caPem: string;
  /** The certificate that carries this identity to the shared apiserver; undefined: none (anonymous or bearer token). */
  credentialsFor(identity: FrontIdentity): Promise<UpstreamCredentials | undefined>;
}

/** One cluster's front. */
export interface ClusterFrontOptions {
  readonly host: string;
  readonly port: number;
  readonly servingCertPem: string;
  readonly servingKeyPem: string;
  readonly clientCaPem: string;
  readonly upstream: FrontUpstream;
}

/** A listening front. */
export interface ClusterFront {
  readonly url: string;
  /** Stops listening and drops every connection. */
  stop(): Promise<void>;
}

// Node reports repeated subject attributes (several O=) as an array, a single one as a string.
const valuesOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

/** The identity a verified, unverified or absent client certificate gives. */
export function identityOf(socket: TLSSocket): FrontIdentity {
  const peer: Partial<PeerCertificate> = socket.getPeerCertificate();
  if (peer.raw === undefined) return { kind: 'none' };
  if (!socket.authorized) return { kind: 'untrusted' };
  const subject: Record<string, unknown> = peer.subject ?? {};
  return { kind: 'user', commonName: valuesOf(subject['CN'])[0] ?? '', organizations: valuesOf(subject['O']) };
}

/** Starts a front on `host:port`. */
export async function startClusterFront(options: ClusterFrontOptions): Promise<ClusterFront> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const { upstream } = options;
  // Like kube-apiserver, the handshake asks for a certificate but lets one that fails verification
  // through: the request is then refused with 401 (an untrusted certificate upstream) instead.
  const server = createTlsServer(
    {
      cert: options.servingCertPem,
      key: options.servingKeyPem,
      ca: options.clientCaPem,
      requestCert: true,
      rejectUnauthorized: false,
      // HTTP/1.1 only: the upstream connection must speak what the client negotiated.
      ALPNProtocols: ['http/1.1'],
    },
    (client) => {
      track(client);
      upstream.credentialsFor(identityOf(client)).then(
        (credentials) => {
          if (client.destroyed) return;
          const forward = tlsConnect({
            host: upstream.host,
            port: upstream.port,
            ca: upstream.caPem,
            ALPNProtocols: ['http/1.1'],
            ...(credentials === undefined ? {} : { cert: credentials.certPem, key: credentials.keyPem }),
          });
          track(forward);
          client.pipe(forward).pipe(client);
          client.on('close', () => forward.destroy());
          forward.on('close', () => client.destroy());
        },
        () => client.destroy(),
      );
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `https://${options.host}:${options.port}`,
    stop: async () => {
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}
