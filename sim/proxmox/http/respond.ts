// Response framing copied from PVE::APIServer::AnyEvent::response and the json formatter.
import type { ServerResponse } from 'node:http';
import type { JsonValue } from './json-value.ts';
import type { PveError } from './pve-error.ts';

/** The exact Content-Type PVE sends; the npm `proxmox-api` client compares it literally. */
export const pveContentType = 'application/json;charset=UTF-8';

/** The headers every pveproxy answer carries (PVE::APIServer::AnyEvent::response). */
export function baseHeaders(): Record<string, string> {
  const date = new Date().toUTCString();
  return { Date: date, Expires: date, 'Cache-Control': 'max-age=0', Pragma: 'no-cache', Server: 'pve-api-daemon/3.0' };
}

/** The reason phrase: the first line of the message, as `($msg) = $msg =~ m/^(.*)$/m` keeps it. */
export function reasonPhrase(message: string): string {
  // Node refuses control characters in a status line; PVE messages are plain text anyway.
  return (message.split('\n')[0] ?? '').replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

/** A 200 answer: `{"data": ...}` plus `total` for paged lists. */
export function sendData(response: ServerResponse, data: JsonValue, total?: number): void {
  const body = JSON.stringify(total === undefined ? { data } : { data, total });
  response.writeHead(200, 'OK', {
    ...baseHeaders(),
    'Content-Type': pveContentType,
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** An error answer; pveproxy closes the connection after every status >= 400. */
export function sendError(response: ServerResponse, error: PveError): void {
  const headers: Record<string, string | number> = { ...baseHeaders(), Connection: 'close' };
  if (error.bodyless) {
    response.writeHead(error.status, reasonPhrase(error.message), headers);
    response.end();
    return;
  }
  const payload: Record<string, JsonValue> = { data: null };
  if (error.errors) payload['errors'] = { ...error.errors };
  payload['message'] = error.message;
  const body = JSON.stringify(payload);
  response.writeHead(error.status, reasonPhrase(error.message), {
    ...headers,
    'Content-Type': pveContentType,
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}
