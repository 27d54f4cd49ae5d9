// One request through pveproxy's stages: framing, auth (401s delayed), body, routing,
// parameter checks, handler. Faults are applied between routing and the handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from '../api/api-context.ts';
import { duration } from '../core/context.ts';
import type { SimContext } from '../core/context.ts';
import { authenticate } from './auth.ts';
import { notImplemented, PveError, transportError } from './pve-error.ts';
import { checkFraming, checkHeader, readParams } from './read-request.ts';
import { sendData, sendError } from './respond.ts';
import { matchRoute, mergeParams, Paged } from './router.ts';
import type { HandlerResult, Route } from './router.ts';

/** Serves one request; never throws. */
export async function handleRequest(
  sim: SimContext,
  routes: readonly Route<ApiContext>[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    await serve(sim, routes, request, response);
  } catch (error) {
    sendError(response, error instanceof PveError ? error : new PveError(500, `${String(error)}\n`));
  }
}

async function serve(
  sim: SimContext,
  routes: readonly Route<ApiContext>[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = checkHeader(request);
  checkFraming(request, method);
  const url = new URL(request.url ?? '/', 'http://sim.invalid');
  const path = safeDecode(url.pathname);
  if (!path.startsWith('/api2')) throw transportError(501, `no such file '${path}'`);
  const split = /^\/api2\/+([a-z][a-z0-9]+)(\/.*)?$/.exec(path);
  if (!split?.[1]) throw transportError(501, 'no such uri');
  const format = split[1];
  const relPath = split[2] ?? '/';

  const auth = authenticate(request.headers.authorization, sim.state.tokens);
  if (!auth.ok) {
    await sim.timers.sleep(duration(sim, 'authFailureDelay'));
    throw auth.error;
  }
  if (format !== 'json') throw transportError(501, `no formatter for uri ${relPath}, ${format}`);
  const requestParams = await readParams(request, url.search.slice(1));
  const latency = sim.faults.latencyMs();
  if (latency > 0) await sim.timers.sleep(latency);

  const match = matchRoute(routes, method, relPath);
  if (match === undefined) throw notImplemented(method, relPath);
  const vmid = Number(match.pathParams['vmid']);
  try {
    const params = mergeParams(match.pathParams, requestParams);
    const failure = sim.faults.drawFailure(relPath);
    if (failure !== undefined && !failure.lostResponse) throw new PveError(500, `${failure.reason}\n`);
    const result: HandlerResult = await match.route.run({ sim, user: auth.tokenId }, params);
    if (failure !== undefined) throw new PveError(500, `${failure.reason}\n`);
    if (result instanceof Paged) sendData(response, result.data, result.total);
    else sendData(response, result);
  } finally {
    if (Number.isInteger(vmid)) sim.faults.noteVmRequest(vmid);
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
