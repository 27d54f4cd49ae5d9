import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../runtime/free-port.ts';
import { measureSignal } from '../../../runtime/metrics/controller-metrics.ts';
import { serveMetricsFromEnv } from '../../../runtime/metrics/metrics-from-env.ts';
import { startMetricsServer } from '../../../runtime/metrics/metrics-server.ts';
import { parsePrometheusText } from '../../harness/prometheus-text.ts';

// Plays the Temporal SDK's exporter: what it serves must follow Capstan's series unchanged.
const sdkText =
  '# HELP temporal_num_pollers pollers\n# TYPE temporal_num_pollers gauge\ntemporal_num_pollers{poller_type="workflow_task"} 2\n';
let sdk: Server;
let sdkUrl: string;

beforeAll(async () => {
  sdk = createServer((_, response) => {
    response.end(sdkText);
  });
  await new Promise<void>((resolve) => sdk.listen(0, '127.0.0.1', resolve));
  const address = sdk.address();
  sdkUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
});
afterAll(async () => {
  await new Promise((resolve) => sdk.close(resolve));
});

describe('the /metrics endpoint', () => {
  it("serves Capstan's series, Node's process series and the SDK's, in the Prometheus text format", async () => {
    await measureSignal('desiredCluster', () => Promise.resolve());
    const server = await startMetricsServer({ address: '127.0.0.1:0', sdkMetricsUrl: sdkUrl });
    try {
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text.endsWith(sdkText)).toBe(true);
      const scraped = parsePrometheusText(text);
      expect(scraped.find('capstan_controller_signal_duration_seconds_count', { signal: 'desiredCluster' })[0]?.value).toBeGreaterThan(0);
      expect(scraped.exposes('process_cpu_user_seconds_total')).toBe(true);
      expect(scraped.find('capstan_sdk_metrics_up')[0]?.value).toBe(1);
      expect(scraped.find('temporal_num_pollers')[0]?.value).toBe(2);
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it("still serves Capstan's series when the SDK's exporter does not answer, and says so", async () => {
    const server = await startMetricsServer({ address: '127.0.0.1:0', sdkMetricsUrl: `http://127.0.0.1:${await freePort()}/metrics` });
    try {
      const scraped = parsePrometheusText(await (await fetch(server.url)).text());
      expect(scraped.find('capstan_sdk_metrics_up')[0]?.value).toBe(0);
      expect(scraped.exposes('capstan_controller_reconciles_total')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('is served only when CAPSTAN_METRICS_ADDRESS is set, and a malformed address names the variable', async () => {
    await expect(serveMetricsFromEnv({}, {})).resolves.toBeUndefined();
    await expect(serveMetricsFromEnv({}, { CAPSTAN_METRICS_ADDRESS: '9090' })).rejects.toThrow(
      'CAPSTAN_METRICS_ADDRESS=9090 is not host:port (e.g. [::]:8081 for every address, or 127.0.0.1:8081 for this host only)',
    );
  });
});
