import { Agent, fetch, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { untrustedCertificateCause } from '../untrusted-certificate.ts';
import { ProxmoxApiError, ProxmoxNetworkError, ProxmoxTlsError } from './proxmox-api-error.ts';
import { measureProxmoxRequest, type ProxmoxRequestError } from '../../runtime/metrics/proxmox-metrics.ts';

/** How to reach one Proxmox VE cluster; the token secret comes from a Kubernetes Secret. */
export interface ProxmoxConnection {
  /** e.g. `https://pve.example.lan:8006/api2/json` */
  readonly baseUrl: string;
  /** `USER@REALM!TOKENID` */
  readonly tokenId: string;
  readonly tokenSecret: string;
  /** PEM of the CA that signed PVE's certificate (PVE's own CA by default). */
  readonly caPem?: string;
  /** Skips certificate verification: only for labs, and only when asked for explicitly. Off by default. */
  readonly insecureSkipTlsVerify?: boolean;
  readonly requestTimeoutMs?: number;
  /** Where the token came from (`Secret default/pve keys token and secret`): a refused token names it. */
  readonly tokenSource?: string;
  /** Where this connection's CA is given, told when PVE's certificate is not trusted (default: the worker's settings). */
  readonly trustRemedy?: string;
}

/** Query or body parameters; booleans go on the wire as 1/0 like every PVE client does. */
export type ProxmoxParams = Readonly<Record<string, string | number | boolean | undefined>>;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A small typed client for the PVE JSON API: token auth, the `{data}` envelope, typed errors. */
export class ProxmoxClient {
  private readonly dispatcher: Dispatcher | undefined;
  private readonly baseUrl: string;

  /** `host:port` of the Proxmox API this client talks to: names what its workers share (clone slots). */
  get endpoint(): string {
    return new URL(this.baseUrl).host;
  }

  constructor(private readonly connection: ProxmoxConnection) {
    this.baseUrl = connection.baseUrl.replace(/\/+$/, '');
    this.dispatcher =
      connection.caPem !== undefined || connection.insecureSkipTlsVerify
        ? new Agent({
            connect: {
              ...(connection.caPem !== undefined ? { ca: connection.caPem } : {}),
              rejectUnauthorized: !connection.insecureSkipTlsVerify,
            },
          })
        : undefined;
  }

  /**
   * GET and parse `data` with `schema`. A read is safe to repeat, so a 5xx or a network error is
   * tried again twice, shortly, before it fails the activity: one busy moment of a PVE node
   * should not cost a whole activity attempt (writes are left to the activity's idempotency).
   */
  async get<T extends z.ZodType>(path: string, schema: T, params: ProxmoxParams = {}): Promise<z.output<T>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.request('GET', path, schema, params);
      } catch (error) {
        const transient = error instanceof ProxmoxNetworkError || (error instanceof ProxmoxApiError && error.status >= 500);
        if (!transient || attempt >= readAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** POST form parameters and parse `data` with `schema`. */
  post<T extends z.ZodType>(path: string, schema: T, params: ProxmoxParams = {}): Promise<z.output<T>> {
    return this.request('POST', path, schema, params);
  }

  /** PUT form parameters and parse `data` with `schema`. */
  put<T extends z.ZodType>(path: string, schema: T, params: ProxmoxParams = {}): Promise<z.output<T>> {
    return this.request('PUT', path, schema, params);
  }

  /** DELETE with query parameters (PVE refuses a DELETE body) and parse `data`. */
  delete<T extends z.ZodType>(path: string, schema: T, params: ProxmoxParams = {}): Promise<z.output<T>> {
    return this.request('DELETE', path, schema, params);
  }

  private request<T extends z.ZodType>(method: Method, path: string, schema: T, params: ProxmoxParams): Promise<z.output<T>> {
    return measureProxmoxRequest(method, path, () => this.send(method, path, schema, params), requestErrorLabel);
  }

  private async send<T extends z.ZodType>(method: Method, path: string, schema: T, params: ProxmoxParams): Promise<z.output<T>> {
    const encoded = encodeParams(params);
    const inQuery = method === 'GET' || method === 'DELETE';
    const url = `${this.baseUrl}${path}${inQuery && encoded !== '' ? `?${encoded}` : ''}`;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `PVEAPIToken=${this.connection.tokenId}=${this.connection.tokenSecret}`,
          accept: 'application/json',
          ...(inQuery ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(inQuery ? {} : { body: encoded }),
        signal: AbortSignal.timeout(this.connection.requestTimeoutMs ?? 30_000),
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
    } catch (error) {
      const untrusted = untrustedCertificateCause(error);
      if (untrusted !== undefined)
        throw new ProxmoxTlsError(method, path, new URL(this.baseUrl).origin, untrusted.code, untrusted, this.connection.trustRemedy);
      throw new ProxmoxNetworkError(method, path, error);
    }
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) {
      const refused = (response.status === 401 || response.status === 403) && this.connection.tokenSource !== undefined;
      const hint = refused ? `the API token from ${this.connection.tokenSource} was refused: check it there` : undefined;
      throw new ProxmoxApiError(method, path, response.status, reasonOf(response.statusText, body), paramErrorsOf(body), hint);
    }
    const data = body && typeof body === 'object' && 'data' in body ? body.data : undefined;
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new ProxmoxApiError(method, path, 502, `unexpected response: ${parsed.error.message}`);
    }
    return parsed.data;
  }
}

/** How a failed request counts in capstan_proxmox_request_errors_total. */
function requestErrorLabel(error: unknown): ProxmoxRequestError {
  if (error instanceof ProxmoxTlsError) return 'tls';
  if (error instanceof ProxmoxNetworkError) return 'network';
  if (error instanceof ProxmoxApiError) return error.status;
  return 'other';
}

/** How often a GET is tried before its failure is the activity's. */
const readAttempts = 3;

function encodeParams(params: ProxmoxParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    search.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return search.toString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// PVE ≥ 8.3 repeats the reason in `message`; older versions only have the reason phrase.
function reasonOf(statusText: string, body: unknown): string {
  if (statusText !== '') return statusText;
  const message = body && typeof body === 'object' && 'message' in body ? body.message : undefined;
  return typeof message === 'string' ? message.trim() : 'no reason given';
}

function paramErrorsOf(body: unknown): Record<string, string> {
  const errors = body && typeof body === 'object' && 'errors' in body ? body.errors : undefined;
  if (!errors || typeof errors !== 'object') return {};
  return Object.fromEntries(Object.entries(errors).map(([key, value]) => [key, String(value)]));
}
