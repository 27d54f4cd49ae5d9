// What pveproxy does with a request sent in the clear to its TLS port (pve-http-server,
// ensure_tls_connection, since "fix #4494: redirect HTTP to HTTPS"): it reads the header, makes
// the usual header checks, then answers 301 (GET, HEAD) or 308 (any other method) with Location
// set to the same URL over https, and closes the connection. No API call is served in the clear.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PveError } from './pve-error.ts';
import { checkHeader } from './read-request.ts';
import { baseHeaders, sendError } from './respond.ts';

/** Answers one plain-HTTP request with pveproxy's redirect to HTTPS, then hangs up. */
export function redirectToHttps(request: IncomingMessage, response: ServerResponse): void {
  let method: string;
  try {
    method = checkHeader(request);
  } catch (error) {
    sendError(response, error instanceof PveError ? error : new PveError(500, String(error)));
    return;
  }
  const host = request.headers.host;
  // pveproxy dies on a request without Host before it answers; the client sees the line drop.
  if (host === undefined || host === '') {
    request.socket.destroy();
    return;
  }
  const [status, reason] = method === 'GET' || method === 'HEAD' ? [301, 'Moved Permanently'] : [308, 'Permanent Redirect'];
  response.writeHead(status, reason, {
    ...baseHeaders(),
    Location: `https://${host.replace(/^https?:\/\//, '')}${request.url ?? '/'}`,
    Connection: 'close',
  });
  response.end(() => request.socket.destroy());
}
