// The controller-latency section: a MachineDeployment patch → the desiredCluster signal in the
// cluster workflow's history, p50/p90/p99/max, p99 against the 1 s target.
import type { BenchRow, BenchSection } from './report/bench-section.ts';
import { latencyTargetMs, measureControllerLatency, quantile } from './controller-latency.ts';

/** How the section runs (`--changes`, `--warmup`, `--gap-ms`). */
export interface ControllerLatencySettings {
  readonly changes: number;
  readonly warmup: number;
  readonly gapMs: number;
}

/** The section, with its settings. */
export function controllerLatencySection(settings: ControllerLatencySettings): BenchSection {
  return {
    name: 'controller',
    title: "controller latency: MachineDeployment replicas patch → desiredCluster signal in the cluster workflow's history",
    async run(context) {
      const { changes, warmup, gapMs } = settings;
      context.log(
        `${changes} changes one at a time (after ${warmup} unmeasured), ${gapMs} ms between; kube-apiserver + etcd, Temporal dev server, controller at production poll intervals, fake cluster workflow`,
      );
      let unregister: (() => void) | undefined;
      const { latencies, patchRoundTrips } = await measureControllerLatency(
        {
          changes,
          warmup,
          gapMs,
          onSample: (index) => {
            if ((index + 1) % 50 === 0) context.log(`… ${index + 1}/${changes}`);
          },
        },
        (stop) => {
          unregister = context.onInterrupt(stop);
        },
      ).finally(() => unregister?.());
      const sorted = [...latencies].sort((a, b) => a - b);
      const patches = [...patchRoundTrips].sort((a, b) => a - b);
      const s = (ms: number) => ms / 1_000;
      const p99 = quantile(sorted, 0.99);
      const rows: BenchRow[] = [
        { metric: 'p50 patch → signal', value: s(quantile(sorted, 0.5)), unit: 's' },
        { metric: 'p90 patch → signal', value: s(quantile(sorted, 0.9)), unit: 's' },
        {
          metric: 'p99 patch → signal',
          value: s(p99),
          unit: 's',
          target: { max: s(latencyTargetMs) },
          detail: `${latencies.length} samples`,
        },
        { metric: 'max patch → signal', value: s(sorted.at(-1) ?? Number.NaN), unit: 's' },
        { metric: 'p99 of which the patch request', value: s(quantile(patches, 0.99)), unit: 's' },
      ];
      return { rows, notes: [`p99 = ${(p99 / latencyTargetMs).toFixed(2)} × the ${s(latencyTargetMs)} s target`] };
    },
  };
}
