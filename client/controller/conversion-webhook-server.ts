// The HTTPS endpoint the management cluster's API server calls to convert cluster.x-k8s.io objects
// between v1beta1 and v1beta2. The conversion itself is api/capi/conversion; this is its transport.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerConversionReview } from '../../api/capi/conversion/conversion-review.ts';

/** The path the CRDs' `spec.conversion.webhook.clientConfig` names. */
export const conversionPath = '/convert';

// A ConversionReview of a whole list can be large; past this, the request is refused, not buffered.
const maxBodyBytes = 64 * 1024 * 1024;

export interface ConversionWebhookOptions {
  /** Address to listen on (`127.0.0.1` in tests, `0.0.0.0` behind a Service). */
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** The serving certificate and its key (PEM); the API server trusts it through the CRDs' caBundle. */
  readonly tls: { readonly certPem: string; readonly keyPem: string };
}

/** The running webhook. */
export interface ConversionWebhook {
  /** `https://host:port/convert`, for a CRD's `clientConfig.url`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the conversion webhook; resolves once it listens. */
export async function startConversionWebhook(options: ConversionWebhookOptions): Promise<ConversionWebhook> {
  const server: Server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // `::` as in runtime/health-server.ts: dual-stack, or IPv4 alone on a kernel without IPv6.
    server.listen(options.port, options.host === '::' ? undefined : options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `https://${host}:${port}${conversionPath}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

interface Reply {
  readonly code: number;
  readonly json?: unknown;
  readonly text?: string;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const reply = await answer(request);
  if (reply.json !== undefined) {
    response.writeHead(reply.code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.json));
  } else {
    response.writeHead(reply.code, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`${reply.text ?? ''}\n`);
  }
}

async function answer(request: IncomingMessage): Promise<Reply> {
  const path = new URL(request.url ?? '/', 'https://webhook').pathname;
  if (path !== conversionPath) return { code: 404, text: `no ${path} here: the conversion webhook answers on ${conversionPath}` };
  if (request.method !== 'POST') return { code: 405, text: `${conversionPath} takes POST, not ${request.method ?? '(none)'}` };
  let text: string;
  try {
    text = await readBody(request);
  } catch (error) {
    return { code: 413, text: error instanceof Error ? error.message : String(error) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: 400, text: 'the body is not JSON: the API server sends a ConversionReview as application/json' };
  }
  try {
    const review = answerConversionReview(body);
    return review.code === 400 ? { code: 400, text: review.message } : { code: 200, json: review.body };
  } catch (error) {
    return { code: 500, text: `the conversion failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) throw new Error(`the body is over ${maxBodyBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
