// The HTTP endpoints Kubernetes probes: /livez (the process answers) and /readyz (it reaches what
// it needs). Readiness runs its checks live, each with a short timeout, and keeps the verdict for
// a moment so a burst of probes costs the dependencies one round of calls.
import { createServer, type Server } from 'node:http';

/** One dependency readiness depends on: resolves when reachable, throws (with why) when not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface HealthServerOptions {
  /** `host:port` to listen on (port 0: any free port). */
  readonly address: string;
  readonly checks: readonly ReadinessCheck[];
  /** How long one check may take before it counts as failed (default 2 s). */
  readonly timeoutMs?: number;
  /** How long a verdict is reused (default 2 s). */
  readonly cacheMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** The running endpoints. */
export interface HealthServer {
  /** `http://host:port` it listens on. */
  readonly url: string;
  close(): Promise<void>;
}

/** One check's outcome, as /readyz lists it. */
interface CheckResult {
  readonly name: string;
  readonly error?: string;
}

/** Starts the health endpoints; resolves once listening. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseHealthAddress(options.address);
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 2_000;
  const now = options.now ?? Date.now;
  let verdict: { readonly at: number; readonly results: Promise<readonly CheckResult[]> } | undefined;
  // Checks still running, even past their timeout: closing waits for them, because a client closed
  // under a call still retrying (Temporal's gRPC retry interceptor) throws from its retry timer.
  const inFlight = new Set<Promise<void>>();
  const track = (check: ReadinessCheck): ReadinessCheck => ({
    name: check.name,
    check: () => {
      const running = check.check();
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      return running;
    },
  });
  const readiness = (): Promise<readonly CheckResult[]> => {
    if (verdict === undefined || now() - verdict.at >= cacheMs) {
      verdict = { at: now(), results: Promise.all(options.checks.map((c) => runCheck(track(c), timeoutMs))) };
    }
    return verdict.results;
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const reply = (status: number, body: string): void => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(405, 'GET only\n');
      return;
    }
    if (path === '/livez') {
      reply(200, 'ok\n');
      return;
    }
    if (path !== '/readyz') {
      reply(404, 'not found: the endpoints are /livez and /readyz\n');
      return;
    }
    void readiness().then((results) => {
      const failed = results.some((r) => r.error !== undefined);
      const lines = results.map((r) => (r.error === undefined ? `[+] ${r.name} ok` : `[-] ${r.name} failed: ${r.error}`));
      reply(failed ? 503 : 200, `${lines.join('\n')}\n${failed ? 'not ready' : 'ready'}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // `::` is every address: Node listens on it dual-stack (IPv4 too), and on 0.0.0.0 instead where
    // there is no IPv6 (a kernel booted without it), which it does only when given no host.
    server.listen(port, host === '::' ? undefined : host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://${formatHost(host)}:${boundPort(server)}`,
    async close() {
      await closeServer(server);
      await settledWithin([...inFlight], closeWaitMs);
    },
  };
}

/** `host:port` (IPv6 in brackets) → its parts; a clear error, naming the variable it came from, for anything else. */
export function parseHealthAddress(address: string, variable = 'CAPSTAN_HEALTH_ADDRESS'): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(address.trim());
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port > 65_535) {
    throw new Error(`${variable}=${address} is not host:port (e.g. [::]:8081 for every address, or 127.0.0.1:8081 for this host only)`);
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name };
  } catch (error) {
    return { name: check.name, error: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '' };
  } finally {
    clearTimeout(timer);
  }
}

/** How long close() waits for checks still running (a Temporal call ends at its deadline, the timeout). */
const closeWaitMs = 10_000;

async function settledWithin(promises: readonly Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(promises),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

const formatHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
