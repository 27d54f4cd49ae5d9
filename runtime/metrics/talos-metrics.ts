// Latency and errors of every Talos machine API call the worker makes, by gRPC method, taken by a
// grpc-js client interceptor: every call of a client built with it is counted, streams included.
import { InterceptingCall, status, type Interceptor } from '@grpc/grpc-js';
import { Counter, Histogram } from 'prom-client';
import { capstanRegistry, secondsSince } from './metrics-registry.ts';

const callSeconds = new Histogram({
  name: 'capstan_talos_call_duration_seconds',
  help: 'Talos machine API calls by gRPC method, succeeded or not (seconds until the call ended; a stream ends with its last message).',
  labelNames: ['method'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [capstanRegistry],
});

const callErrors = new Counter({
  name: 'capstan_talos_call_errors_total',
  help: 'Talos machine API calls that ended with a gRPC status other than OK, by method and status code name.',
  labelNames: ['method', 'code'] as const,
  registers: [capstanRegistry],
});

/** Records the call's duration and, when it fails, its status code; the call itself is untouched. */
export const talosCallMetrics: Interceptor = (options, nextCall) => {
  const method = options.method_definition.path.replace(/^\//, '');
  const startedAt = performance.now();
  return new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      next(metadata, {
        onReceiveStatus(received, forward) {
          callSeconds.observe({ method }, secondsSince(startedAt));
          if (received.code !== status.OK) callErrors.inc({ method, code: status[received.code] });
          forward(received);
        },
      });
    },
  });
};
