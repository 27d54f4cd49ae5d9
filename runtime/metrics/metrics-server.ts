// The /metrics endpoint Prometheus scrapes: Capstan's registry, followed by what the Temporal SDK's
// own exporter serves on a loopback address, so one port per pod carries both (the
// prometheus.io/port annotation names a single port).
import { createServer, type Server } from 'node:http';
import { parseHealthAddress } from '../health-server.ts';
import { capstanRegistry, collectProcessMetrics } from './metrics-registry.ts';

export interface MetricsServerOptions {
  /** `host:port` to listen on (port 0: any free port). */
  readonly address: string;
  /** The variable the address came from, named when it is malformed. */
  readonly variable?: string;
  /** `http://127.0.0.1:port/metrics` of the SDK's exporter, appended to every scrape. */
  readonly sdkMetricsUrl?: string | undefined;
}

/** The running endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts serving /metrics; resolves once listening. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { host, port } = parseHealthAddress(options.address, options.variable ?? 'CAPSTAN_METRICS_ADDRESS');
  collectProcessMetrics();
  const server = createServer((request, response) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(405, 'GET only\n');
      return;
    }
    if ((request.url ?? '').split('?')[0] !== '/metrics') {
      reply(404, 'not found: the endpoint is /metrics\n');
      return;
    }
    void scrape(options.sdkMetricsUrl).then(
      (body) => {
        reply(200, body, capstanRegistry.contentType);
      },
      (error: unknown) => {
        reply(500, `collecting the metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '::' ? undefined : host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort(server)}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * Capstan's series, then the SDK's. An SDK exporter that does not answer costs its series, not
 * the scrape: `capstan_sdk_metrics_up` says which, so an alert can tell.
 */
async function scrape(sdkMetricsUrl: string | undefined): Promise<string> {
  const sdk = sdkMetricsUrl === undefined ? undefined : await sdkSeries(sdkMetricsUrl);
  const own = await capstanRegistry.metrics();
  if (sdkMetricsUrl === undefined) return own;
  const up = `# HELP capstan_sdk_metrics_up Whether the Temporal SDK's metrics answered this scrape (1) or not (0).\n# TYPE capstan_sdk_metrics_up gauge\ncapstan_sdk_metrics_up ${sdk === undefined ? 0 : 1}\n`;
  return `${own}\n${up}${sdk === undefined ? '' : `\n${sdk}`}`;
}

async function sdkSeries(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
