// The Temporal SDK's own metrics (workflow and activity task latencies, pollers, slots, requests to
// the server) come from its native runtime, which exports them only through its own Prometheus
// listener. It listens on a loopback port, and Capstan's /metrics appends what it serves.
import { Runtime } from '@temporalio/worker';
import { freePort } from '../free-port.ts';

/**
 * Installs the SDK runtime with its Prometheus exporter on a free loopback port; returns the URL
 * to read. Call it before any connection is made: the runtime is created once per process.
 */
export async function installSdkMetrics(): Promise<string> {
  // The SDK does not say which port it bound to, so it is given one that was free a moment ago.
  const port = await freePort();
  Runtime.install({
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: `127.0.0.1:${port}`,
          // Prometheus' conventions: counters end in _total, durations are seconds named so.
          countersTotalSuffix: true,
          useSecondsForDurations: true,
          unitSuffix: true,
        },
      },
    },
  });
  return `http://127.0.0.1:${port}/metrics`;
}
