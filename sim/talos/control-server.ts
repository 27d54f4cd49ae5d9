// A small HTTP control endpoint for a running simulator (npm start): read nodes, clusters and
// events, and switch faults on and off with curl, e.g.
//   curl -X POST localhost:<port>/faults/failNextUpgrade -d '{"target":"127.0.10.21"}'
//   curl -X POST localhost:<port>/faults/deleteNode -d '{"target":"127.0.10.21"}'
//   curl -X POST localhost:<port>/faults/kubeletFails -d '{"target":"127.0.10.21","failing":true}'
//   curl -X POST localhost:<port>/faults/etcdDataLost -d '{"target":"all"}'
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { TalosEventType } from './core/event-log.ts';
import type { TalosSim } from './sim.ts';

const faultBodies = {
  failNextUpgrade: z.object({ target: z.string(), count: z.number().int().positive().optional() }),
  neverComesBack: z.object({ target: z.string() }),
  slowBoot: z.object({ target: z.string(), factor: z.number().positive() }),
  etcdMemberUnhealthy: z.object({ target: z.string(), unhealthy: z.boolean().optional() }),
  deleteNode: z.object({ target: z.string() }),
  kubeletFails: z.object({ target: z.string(), failing: z.boolean().optional() }),
  etcdDataLost: z.object({ target: z.string() }),
  clear: z.object({}),
} as const;

/** A running control endpoint. */
export interface TalosControlServer {
  readonly url: string;
  stop(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

async function applyFault(sim: TalosSim, name: keyof typeof faultBodies, body: unknown): Promise<void> {
  const faults = sim.faults;
  if (name === 'failNextUpgrade') {
    const b = faultBodies.failNextUpgrade.parse(body);
    faults.failNextUpgrade(b.target, b.count === undefined ? {} : { count: b.count });
  } else if (name === 'neverComesBack') faults.neverComesBack(faultBodies.neverComesBack.parse(body).target);
  else if (name === 'slowBoot') {
    const b = faultBodies.slowBoot.parse(body);
    faults.slowBoot(b.target, b.factor);
  } else if (name === 'etcdMemberUnhealthy') {
    const b = faultBodies.etcdMemberUnhealthy.parse(body);
    faults.etcdMemberUnhealthy(b.target, b.unhealthy ?? true);
  } else if (name === 'deleteNode') await faults.deleteNode(faultBodies.deleteNode.parse(body).target);
  else if (name === 'kubeletFails') {
    const b = faultBodies.kubeletFails.parse(body);
    faults.kubeletFails(b.target, b.failing ?? true);
  } else if (name === 'etcdDataLost') faults.etcdDataLost(faultBodies.etcdDataLost.parse(body).target);
  else faults.clear();
}

/** Serves GET /nodes, /clusters, /events[?type=] and POST /faults/<name> (a fault that cannot be applied → 400 with the reason) on a loopback port. */
export async function startTalosControlServer(
  sim: TalosSim,
  options: { readonly host?: string; readonly port?: number } = {},
): Promise<TalosControlServer> {
  const route = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://sim');
    const fault = /^\/faults\/(\w+)$/.exec(url.pathname)?.[1];
    if (request.method === 'GET' && url.pathname === '/nodes') send(response, 200, sim.nodes());
    else if (request.method === 'GET' && url.pathname === '/clusters') send(response, 200, sim.clusters());
    else if (request.method === 'GET' && url.pathname === '/events') {
      const type = Object.values(TalosEventType).find((t) => t === url.searchParams.get('type'));
      send(response, 200, sim.events.list(type === undefined ? {} : { type }));
    } else if (request.method === 'POST' && fault !== undefined && fault in faultBodies) {
      readJson(request)
        .then((body) => applyFault(sim, fault as keyof typeof faultBodies, body))
        .then(() => {
          send(response, 200, { ok: true });
        })
        .catch((error: unknown) => {
          send(response, 400, { error: error instanceof Error ? error.message : String(error) });
        });
    } else send(response, 404, { error: `no route ${request.method ?? ''} ${url.pathname}` });
  };
  const server = createServer(route);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
