// `npm run bench`: Capstan's measurements, printed as ratios to their targets. Starts and stops
// every server it needs. Options: --changes N (default 200), --warmup N (5), --gap-ms N (0);
// --only fleet runs only the fleet section: --fleet 50,100,200,500, --fleet-idle-size N (the
// smallest), --fleet-idle-seconds 180, --fleet-timeout 300 (seconds per size).
// Exits 1 when a measurement misses its target, 2 when the bench itself fails.
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { latencyTargetMs, measureControllerLatency, quantile } from './controller-latency.ts';
import { runFleetSection } from './fleet/fleet-section.ts';

const { values } = parseArgs({
  options: {
    changes: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '5' },
    'gap-ms': { type: 'string', default: '0' },
    only: { type: 'string' },
    fleet: { type: 'string', default: '50,100,200,500' },
    'fleet-idle-size': { type: 'string' },
    'fleet-idle-seconds': { type: 'string', default: '180' },
    'fleet-timeout': { type: 'string', default: '300' },
  },
});
const count = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${values[name]}`);
  return value;
};

// The worker logs every state change, only errors matter here; and the SDK must not stop the
// worker on a signal by itself: the handler below stops the whole stack in order.
Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });

// Ctrl-C: stop the servers before leaving (their process groups would outlive a plain exit).
let stopStack: (() => Promise<void>) | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the servers…`);
    void (stopStack?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const seconds = (ms: number): string => (ms / 1_000).toFixed(3);

async function main(): Promise<number> {
  if (values.only === 'fleet') {
    return runFleetSection(
      {
        sizes: values.fleet.split(',').map(Number),
        ...(values['fleet-idle-size'] ? { idleSize: count('fleet-idle-size') } : {}),
        idleSeconds: count('fleet-idle-seconds'),
        timeoutSeconds: count('fleet-timeout'),
      },
      (stop) => {
        stopStack = stop;
      },
    );
  }
  const changes = count('changes');
  const warmup = count('warmup');
  const gapMs = count('gap-ms');
  console.log(`controller latency: MachineDeployment replicas patch → desiredCluster signal in the cluster workflow's history`);
  console.log(
    `  ${changes} changes one at a time (after ${warmup} unmeasured), ${gapMs} ms between; kube-apiserver + etcd, Temporal dev server, controller at production poll intervals, fake cluster workflow`,
  );
  const started = Date.now();
  const { latencies, patchRoundTrips } = await measureControllerLatency(
    {
      changes,
      warmup,
      gapMs,
      onSample: (index) => {
        if ((index + 1) % 50 === 0) console.log(`  … ${index + 1}/${changes}`);
      },
    },
    (stop) => {
      stopStack = stop;
    },
  );
  const sorted = [...latencies].sort((a, b) => a - b);
  const patches = [...patchRoundTrips].sort((a, b) => a - b);
  const p99 = quantile(sorted, 0.99);
  const row = (label: string, values: readonly number[]) =>
    `  ${label.padEnd(26)} p50 ${seconds(quantile(values, 0.5))} s   p90 ${seconds(quantile(values, 0.9))} s   p99 ${seconds(quantile(values, 0.99))} s   max ${seconds(values.at(-1) ?? Number.NaN)} s`;
  console.log(row('patch → signal', sorted));
  console.log(row('of which the patch request', patches));
  const ratio = p99 / latencyTargetMs;
  console.log(
    `  p99 ${seconds(p99)} s = ${ratio.toFixed(2)} × target (${seconds(latencyTargetMs)} s)   [${latencies.length} samples, ${((Date.now() - started) / 1_000).toFixed(0)} s with start-up]`,
  );
  if (p99 > latencyTargetMs) {
    console.error(`controller latency misses its target: p99 ${seconds(p99)} s > ${seconds(latencyTargetMs)} s`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (interrupted) return; // the signal handler exits once the servers are down
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
