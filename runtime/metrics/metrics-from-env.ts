import { startMetricsServer, type MetricsServer } from './metrics-server.ts';

/**
 * Serves /metrics on CAPSTAN_METRICS_ADDRESS (host:port). Unset: no endpoint, as on a laptop; the
 * manifests set [::]:9090 (every address, IPv4 and IPv6).
 */
export async function serveMetricsFromEnv(
  options: { readonly sdkMetricsUrl?: string | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<MetricsServer | undefined> {
  const address = env['CAPSTAN_METRICS_ADDRESS'];
  if (!address) return undefined;
  const server = await startMetricsServer({ address, sdkMetricsUrl: options.sdkMetricsUrl });
  console.error(`metrics on ${server.url}`);
  return server;
}
