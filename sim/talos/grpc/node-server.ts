// apid on each node's loopback address, port 50000: anonymous TLS with a self-signed certificate
// in maintenance mode, mTLS with the cluster's OS CA once configured. A reboot is a new server.
import { once } from 'node:events';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { ServerReadableStream, ServerUnaryCall, ServerWritableStream, ServiceError, UntypedHandleCall } from '@grpc/grpc-js';
import { osCaKeyFor } from '../core/clusters.ts';
import type { NodeNetwork, TalosContext } from '../core/context.ts';
import { TalosRpcError } from '../core/rpc-error.ts';
import { hostnameOf } from '../core/state.ts';
import type { SimNode } from '../core/state.ts';
import { issueCertificate, selfSigned } from '../pki/issue-certificate.ts';
import type { CertAndKey } from '../pki/issue-certificate.ts';
import { expiredCertificate, outsideValidity } from './client-certificate.ts';
import { createDispatcher } from './dispatch.ts';
import type { IncomingCall } from './dispatch.ts';
import { machineService } from './proto.ts';
import type { DecodedRequest } from './request-fields.ts';
import { rolesOf } from './roles.ts';

/** The apid port. */
export const apidPort = 50000;
const maxMessage = 32 * 1024 * 1024;
// Replies to the call that caused a reboot must leave before the listener goes away.
const flushMs = 40;
const lateSessionSweepsMs = [100, 1_000] as const;

function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof TalosRpcError) return { code: error.code, details: error.message };
  return { code: status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
}

const isIp = (value: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':');

async function credentialsFor(
  ctx: TalosContext,
  node: SimNode,
  mode: 'maintenance' | 'configured',
): Promise<{ pair: CertAndKey; caPem?: string }> {
  const hostname = hostnameOf(node);
  if (mode === 'maintenance')
    return {
      pair: await selfSigned({
        commonName: 'maintenance-service.talos.dev',
        dnsNames: [hostname],
        ipAddresses: [node.address],
        usage: 'server',
      }),
    };
  const config = node.config;
  const caKey = osCaKeyFor(ctx, node);
  if (config === undefined || caKey === undefined) throw new Error('no OS CA key for the apid certificate');
  const sans = config.certSans;
  const pair = await issueCertificate(
    { certPem: config.osCa.certPem, keyPem: caKey },
    { dnsNames: [hostname, ...sans.filter((s) => !isIp(s))], ipAddresses: [node.address, ...sans.filter(isIp)], usage: 'both' },
  );
  return { pair, caPem: config.osCa.certPem };
}

/** The NodeNetwork that serves each node's apid with grpc-js. */
export function createNodeNetwork(getContext: () => TalosContext): NodeNetwork & { closeAll(): Promise<void> } {
  const servers = new Map<number, Server>();
  const queues = new Map<number, Promise<boolean>>();
  let dispatch: ReturnType<typeof createDispatcher> | undefined;
  // Serve and unserve of one node run in order, so a quick reboot cannot race its own shutdown.
  const enqueue = (vmid: number, op: () => Promise<boolean>): Promise<boolean> => {
    const next = (queues.get(vmid) ?? Promise.resolve(true)).then(op).catch((error: unknown) => {
      getContext().events.append({ type: 'sim.warning', vmid, detail: { message: `apid: ${String(error)}` } });
      return false;
    });
    queues.set(vmid, next);
    return next;
  };

  const handlers = (node: SimNode, epoch: number): Record<string, UntypedHandleCall> => {
    const ctx = getContext();
    dispatch ??= createDispatcher(ctx);
    const run = dispatch;
    const incoming = (
      method: string,
      call:
        | ServerUnaryCall<DecodedRequest, unknown>
        | ServerWritableStream<DecodedRequest, unknown>
        | ServerReadableStream<DecodedRequest, unknown>,
    ): Promise<IncomingCall> => {
      if (node.epoch !== epoch) return Promise.reject(new TalosRpcError(status.UNAVAILABLE, 'connection closed: the node is going down'));
      const peer = call.getAuthContext().sslPeerCertificate;
      if (peer !== undefined && outsideValidity(peer, ctx.now())) return Promise.reject(expiredCertificate());
      return Promise.resolve({
        method,
        // A client stream has no single request: its messages are the upload.
        ...('request' in call ? { request: call.request } : { request: {}, upload: call as AsyncIterable<DecodedRequest> }),
        metadata: call.metadata,
        roles: node.stage === 'maintenance' ? null : rolesOf(peer?.raw),
      });
    };
    const entries = Object.entries(machineService).map(([method, definition]): [string, UntypedHandleCall] => {
      if (definition.requestStream) {
        return [
          method,
          (
            call: ServerReadableStream<DecodedRequest, unknown>,
            callback: (error: Partial<ServiceError> | null, value?: unknown) => void,
          ) => {
            incoming(method, call)
              .then((c) => run(node, c))
              .then((result) => {
                callback(null, result.kind === 'unary' ? result.response : { messages: result.messages });
              })
              .catch((error: unknown) => {
                callback(toServiceError(error));
              });
          },
        ];
      }
      if (definition.responseStream) {
        return [
          method,
          (call: ServerWritableStream<DecodedRequest, unknown>) => {
            incoming(method, call)
              .then((c) => run(node, c))
              .then(async (result) => {
                for await (const message of result.kind === 'stream' ? result.messages : result.response.messages)
                  if (!call.write(message)) await once(call, 'drain');
                call.end();
              })
              .catch((error: unknown) => call.emit('error', toServiceError(error)));
          },
        ];
      }
      return [
        method,
        (call: ServerUnaryCall<DecodedRequest, unknown>, callback: (error: Partial<ServiceError> | null, value?: unknown) => void) => {
          incoming(method, call)
            .then((c) => run(node, c))
            .then((result) => {
              callback(null, result.kind === 'unary' ? result.response : { messages: result.messages });
            })
            .catch((error: unknown) => {
              callback(toServiceError(error));
            });
        },
      ];
    });
    return Object.fromEntries(entries);
  };

  const stopServer = async (vmid: number): Promise<void> => {
    const server = servers.get(vmid);
    if (server === undefined) return;
    servers.delete(vmid);
    await new Promise((resolve) => setTimeout(resolve, flushMs));
    server.forceShutdown();
    // A TLS handshake already under way when the listener closed still becomes a session of this
    // server afterwards, and forceShutdown has already run: end such stragglers too, as a powered-off
    // machine would.
    for (const after of lateSessionSweepsMs) {
      setTimeout(() => {
        server.forceShutdown();
      }, after).unref();
    }
  };

  return {
    serve: (node, mode) => {
      const epoch = node.epoch;
      return enqueue(node.vmid, async () => {
        await stopServer(node.vmid);
        const ctx = getContext();
        const { pair, caPem } = await credentialsFor(ctx, node, mode);
        if (node.epoch !== epoch || ctx.stopped()) return false;
        const credentials = ServerCredentials.createSsl(
          caPem === undefined ? null : Buffer.from(caPem),
          [{ private_key: Buffer.from(pair.keyPem), cert_chain: Buffer.from(pair.certPem) }],
          caPem !== undefined,
        );
        const server = new Server({ 'grpc.max_receive_message_length': maxMessage, 'grpc.max_send_message_length': maxMessage });
        server.addService(machineService, handlers(node, epoch));
        await new Promise<void>((resolve, reject) => {
          server.bindAsync(`${node.address}:${apidPort}`, credentials, (error) => {
            if (error) {
              server.forceShutdown();
              reject(new Error(`cannot listen on ${node.address}:${apidPort}: ${error.message}`));
            } else resolve();
          });
        });
        servers.set(node.vmid, server);
        if (node.epoch === epoch) return true;
        await stopServer(node.vmid);
        return false;
      });
    },
    unserve: async (node) => {
      await enqueue(node.vmid, async () => {
        await stopServer(node.vmid);
        return true;
      });
    },
    closeAll: async () => {
      await Promise.all([...queues.values()]);
      for (const server of servers.values()) server.forceShutdown();
      servers.clear();
    },
  };
}
