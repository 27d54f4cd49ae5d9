import { metricMeter } from '@temporalio/workflow';

// Counted through the SDK's workflow metric meter: it emits nothing while a workflow replays, so a
// worker that restarts, or picks up a run another worker began, does not count the same operation
// again. Its series reach /metrics through the SDK's exporter (runtime/metrics/sdk-metrics.ts).

/** Counts an operation the cluster workflow starts, by kind (provision, upgrade, rollout-machine-deployment, ...). */
export function countOperationStarted(kind: string): void {
  metricMeter.createCounter('capstan_operations_started', undefined, 'Operations the cluster workflows started, by kind.').add(1, { kind });
}

/** Counts an operation that ended, by kind and outcome (Succeeded, Aborted, Failed, Outdated, Superseded, Terminated). */
export function countOperationFinished(kind: string, outcome: string): void {
  metricMeter
    .createCounter('capstan_operations_finished', undefined, 'Operations the cluster workflows saw end, by kind and outcome.')
    .add(1, { kind, outcome });
}
