// The codec server: Temporal's remote-codec HTTP protocol (POST …/encode and …/decode, a Payloads
// message as proto3 JSON) in front of Capstan's codec, so the Web UI and `temporal` CLI can show
// encrypted payloads to people allowed to read them.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
// A CommonJS module: under plain Node ESM only its default export is importable.
import proto from '@temporalio/proto';
import { z } from 'zod';
import { parseHealthAddress } from '../health-server.ts';

export interface CodecServerOptions {
  /** `host:port` to listen on (port 0: any free port). */
  readonly address: string;
  readonly codec: PayloadCodec;
  /**
   * The secret a caller proves it holds, as `Authorization: Bearer <token>` (the `temporal` CLI's
   * --codec-auth) or as the path segment before encode/decode (`/<token>/decode`): the Web UI
   * cannot send a header of ours, only call the endpoint URL it is configured with.
   */
  readonly token: string;
  /** Web UI origins (`http://localhost:8233`) whose pages may call the server from a browser. */
  readonly allowedOrigins: readonly string[];
  /** The largest request body accepted, in bytes (default 8 MiB). */
  readonly maxBodyBytes?: number;
}

/** The running server. */
export interface CodecServer {
  /** `http://host:port` it listens on. */
  readonly url: string;
  close(): Promise<void>;
}

// proto3 JSON of proto.temporal.api.common.v1.Payloads: bytes are base64 (standard or URL-safe), and
// fields at their default (empty data, no metadata) may be left out.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'bytes must be base64');
const payloadsJson = z.object({
  payloads: z.array(z.looseObject({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});

/** The headers a browser may send: the UI sends Content-Type and X-Namespace, Authorization is ours. */
const allowedHeaders = 'Authorization, Content-Type, X-Namespace';

/** Starts the codec server; resolves once listening. */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  if (options.token.length < 16)
    throw new Error('the codec server token must be at least 16 characters; generate one with `openssl rand -hex 32`');
  const { host, port } = parseHealthAddress(options.address, 'CAPSTAN_CODEC_SERVER_ADDRESS');
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const server = createServer((request, response) => {
    handle(request, response, options, maxBodyBytes).catch((error: unknown) => {
      reply(response, 500, { error: `codec server failed: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '::' ? undefined : host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort(server)}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: CodecServerOptions,
  maxBodyBytes: number,
): Promise<void> {
  const origin = request.headers.origin;
  const corsAllowed = origin !== undefined && options.allowedOrigins.includes(origin);
  response.setHeader('Vary', 'Origin');
  if (corsAllowed) {
    response.setHeader('Access-Control-Allow-Origin', origin);
    // The UI's includeCredentials option sends cookies; the browser then needs this to read the answer.
    response.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  const segments = new URL(request.url ?? '/', 'http://codec').pathname.split('/').filter((s) => s !== '');
  const operation = segments.at(-1);
  if (operation !== 'encode' && operation !== 'decode') {
    reply(response, 404, { error: 'not found: the endpoints are POST …/encode and POST …/decode' });
    return;
  }
  if (request.method === 'OPTIONS') {
    // A preflight carries no credentials, so it is answered without the token check.
    if (!corsAllowed) {
      reply(response, 403, { error: `origin ${origin ?? '(none)'} is not allowed; add it to CAPSTAN_CODEC_SERVER_ORIGINS` });
      return;
    }
    response.writeHead(204, {
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': allowedHeaders,
      'Access-Control-Max-Age': '600',
      // Chrome asks before a page on a public address (a hosted Web UI) calls one on this machine or network.
      ...(request.headers['access-control-request-private-network'] === 'true' ? { 'Access-Control-Allow-Private-Network': 'true' } : {}),
    });
    response.end();
    return;
  }
  if (request.method !== 'POST') {
    reply(response, 405, { error: `${request.method ?? '?'} is not allowed; use POST` }, { Allow: 'POST, OPTIONS' });
    return;
  }
  if (!authorized(request, segments, options.token)) {
    reply(
      response,
      401,
      { error: 'missing or wrong token: send Authorization: Bearer <token>, or call /<token>/encode and /<token>/decode' },
      { 'WWW-Authenticate': 'Bearer' },
    );
    return;
  }
  const body = await readBody(request, maxBodyBytes);
  if (body === undefined) {
    reply(response, 413, { error: `the request body is larger than ${maxBodyBytes} bytes` });
    return;
  }
  let payloads: Payload[];
  try {
    const parsed = payloadsJson.safeParse(JSON.parse(body.toString('utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    payloads = proto.temporal.api.common.v1.Payloads.fromObject(parsed.data).payloads;
  } catch (error) {
    reply(response, 400, {
      error: `the body is not a Payloads message in proto3 JSON ({"payloads":[{"metadata":{…},"data":"<base64>"}]}): ${(error as Error).message}`,
    });
    return;
  }
  let converted: Payload[];
  try {
    converted = await (operation === 'encode' ? options.codec.encode(payloads) : options.codec.decode(payloads));
  } catch (error) {
    reply(response, 422, { error: (error as Error).message });
    return;
  }
  const json = proto.temporal.api.common.v1.Payloads.toObject(proto.temporal.api.common.v1.Payloads.create({ payloads: converted }), {
    bytes: String,
  });
  reply(response, 200, { payloads: (json['payloads'] as unknown[] | undefined) ?? [] });
}

function authorized(request: IncomingMessage, segments: readonly string[], token: string): boolean {
  const header = request.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  const inPath = segments.length >= 2 ? segments.at(-2) : undefined;
  return [bearer, inPath].some((given) => given !== undefined && sameSecret(given, token));
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) return undefined;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
