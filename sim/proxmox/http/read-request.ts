// Request decoding as PVE::APIServer::AnyEvent does it: form or JSON bodies, query
// parameters merged on top, repeated keys joined with NUL, `_dc` dropped.
import type { IncomingMessage } from 'node:http';
import { transportError } from './pve-error.ts';
import type { RawParams } from './params.ts';

const maxPostBytes = 64 * 1024;

/** PVE::APIServer::AnyEvent::decode_urlencoded. */
export function decodeUrlencoded(data: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of data.split(/[&;]/)) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = decodeComponent(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decodeComponent(pair.slice(at + 1));
    const previous = result[key];
    result[key] = previous === undefined ? value : `${previous}\0${value}`;
  }
  return result;
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function jsonToRaw(body: string): Record<string, string> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch (error) {
    throw transportError(501, `malformed JSON string: ${String(error)}`);
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) {
    throw transportError(501, 'Not a HASH reference');
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(decoded as Record<string, unknown>)) {
    const text = scalarText(value);
    if (text !== undefined) result[key] = text;
  }
  return result;
}

// Perl stringifies JSON booleans as 1/0 and the schema check sees the text.
function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((item) => scalarText(item) ?? '').join('\0');
  return JSON.stringify(value);
}

/** Reads the body (already checked to be allowed) and returns the merged parameters. */
export async function readParams(request: IncomingMessage, rawQuery: string): Promise<RawParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxPostBytes) throw transportError(501, 'for data too large');
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const contentType = (request.headers['content-type'] ?? '').split(/\s*[;,]\s*/)[0] ?? '';
  const params = body === '' ? {} : contentType === 'application/json' ? jsonToRaw(body) : decodeUrlencoded(body);
  Object.assign(params, decodeUrlencoded(rawQuery));
  delete params['_dc'];
  return params;
}

const knownMethods = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/**
 * PVE::APIServer::AnyEvent::process_header: the checks pveproxy makes as soon as a request's
 * header is read, before it looks at TLS or credentials. Returns the method.
 */
export function checkHeader(request: IncomingMessage): string {
  const method = request.method ?? 'GET';
  if (!knownMethods.has(method)) throw transportError(501, `method '${method}' not available`);
  const transferEncoding = request.headers['transfer-encoding'];
  if (transferEncoding !== undefined) {
    throw transportError(
      501,
      transferEncoding.toLowerCase() === 'chunked'
        ? 'chunked transfer encoding not supported'
        : `Unknown transfer encoding '${transferEncoding}'`,
    );
  }
  return method;
}

/** The framing checks pveproxy makes before it reads a body. */
export function checkFraming(request: IncomingMessage, method: string): void {
  const length = Number(request.headers['content-length'] ?? '0');
  if (!(length > 0)) return;
  if (method !== 'PUT' && method !== 'POST') throw transportError(501, `Unexpected content for method '${method}'`);
  if (length > maxPostBytes) throw transportError(501, 'for data too large');
  const contentType = request.headers['content-type'];
  const type = contentType?.split(/\s*[;,]\s*/)[0];
  if (type !== undefined && type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
    throw transportError(506, `upload 'Content-Type '${contentType ?? ''}' not implemented`);
  }
}
