// Latency and errors of every Proxmox VE API request the worker makes, by method and path template.
import { Counter, Histogram } from 'prom-client';
import { capstanRegistry, secondsSince } from './metrics-registry.ts';
import { proxmoxPathTemplate } from './proxmox-path-template.ts';

const requestSeconds = new Histogram({
  name: 'capstan_proxmox_request_duration_seconds',
  help: 'Proxmox VE API requests by method and path template, answered or not (seconds until the answer or the failure).',
  labelNames: ['method', 'path'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [capstanRegistry],
});

const requestErrors = new Counter({
  name: 'capstan_proxmox_request_errors_total',
  help: 'Proxmox VE API requests that failed, by method, path template and error: an HTTP status code, network, tls or other (an HTTP status 502 also stands for an answer that did not fit the expected schema).',
  labelNames: ['method', 'path', 'error'] as const,
  registers: [capstanRegistry],
});

/** How a failed request is labelled: the HTTP status, or what went wrong before one came. */
export type ProxmoxRequestError = number | 'network' | 'tls' | 'other';

/** Times one request; `errorOf` names a failure for the errors counter. */
export async function measureProxmoxRequest<T>(
  method: string,
  path: string,
  request: () => Promise<T>,
  errorOf: (error: unknown) => ProxmoxRequestError,
): Promise<T> {
  const labels = { method, path: proxmoxPathTemplate(path) };
  const startedAt = performance.now();
  try {
    return await request();
  } catch (error) {
    requestErrors.inc({ ...labels, error: String(errorOf(error)) });
    throw error;
  } finally {
    requestSeconds.observe(labels, secondsSince(startedAt));
  }
}
