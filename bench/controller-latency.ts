// Controller latency: how long a spec change takes from `kubectl patch` to the cluster workflow.
// The stack is the controller tests' (a real kube-apiserver + etcd, the Temporal dev server, a
// worker running the fake cluster workflow) with one controller at production poll intervals and
// Lease settings. Each change patches the replicas of a MachineDeployment, one at a time; the
// latency is from just before the patch request to the `desiredCluster` signal's event time in
// the workflow's history (Temporal's clock, the same machine's), the signal identified by the
// replicas it carries.
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { clusterWorkflowId } from '../api/ids.ts';
import { defaultPollIntervals } from '../client/controller/poll-schedule.ts';
import { demoClusterManifests } from '../embedded/apply-demo.ts';
import { startControllerStack, type ControllerStack } from '../embedded/controller-stack/controller-stack.ts';
import { eventually } from '../embedded/servers/eventually.ts';

/** The target the issue sets: a spec change reaches the cluster workflow within a second. */
export const latencyTargetMs = 1_000;

export interface ControllerLatencyOptions {
  /** Measured changes (default 200). */
  readonly changes?: number;
  /** Changes made first and not measured: JIT, caches and connections warm up (default 5). */
  readonly warmup?: number;
  /** Pause between a signal's arrival and the next change (default 0: back to back). */
  readonly gapMs?: number;
  /** Called with each measured latency, for progress output. */
  readonly onSample?: (index: number, latencyMs: number) => void;
}

/** What one run measured, in milliseconds. */
export interface ControllerLatencyResult {
  /** Patch request sent → signal recorded in the workflow's history. */
  readonly latencies: readonly number[];
  /** Patch request sent → the API server's answer (part of the above). */
  readonly patchRoundTrips: readonly number[];
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const namespace = 'bench';
const cluster = 'demo';
const deployment = 'demo-md-0';

/** Starts the stack, makes the changes, stops the stack (also when something fails). */
export async function measureControllerLatency(
  options: ControllerLatencyOptions = {},
  stackReady?: (stop: () => Promise<void>) => void,
): Promise<ControllerLatencyResult> {
  const stack = await startControllerStack('bench-latency');
  const abort = new AbortController();
  let measuring: Promise<ControllerLatencyResult> | undefined;
  // Once only (a Ctrl-C handler and this function's finally may both ask), and the measuring
  // loop ends before the servers go: a call into a closed Temporal connection throws from a timer.
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      abort.abort();
      await measuring?.catch(() => undefined);
      await stack.stop();
    })());
  stackReady?.(stop);
  try {
    measuring = run(stack, options, abort.signal);
    return await measuring;
  } finally {
    await stop();
  }
}

async function run(stack: ControllerStack, options: ControllerLatencyOptions, signal: AbortSignal): Promise<ControllerLatencyResult> {
  const { changes = 200, warmup = 5, gapMs = 0 } = options;
  const controller = await stack.startController({ identity: 'bench', pollIntervals: defaultPollIntervals, leaderElection: {} });
  await eventually(
    () => {
      if (!controller.leading) throw new Error('the controller does not lead yet');
    },
    60_000,
    50,
  );

  const documents = demoClusterManifests();
  await stack.apply(namespace, [...documents.filter((d) => d.kind !== 'Cluster'), ...documents.filter((d) => d.kind === 'Cluster')]);
  const history = new HistoryFollower(stack, clusterWorkflowId(namespace, cluster), signal);
  let replicas = 2; // the demo's
  await history.nextSignalWith(replicas, 60_000);

  const latencies: number[] = [];
  const patchRoundTrips: number[] = [];
  for (let i = 0; i < warmup + changes; i += 1) {
    signal.throwIfAborted();
    replicas = 3 + (i % 4); // 3, 4, 5, 6, 3, …: always a change
    const sent = Date.now();
    await stack.patch('MachineDeployment', namespace, deployment, { spec: { replicas } });
    const answered = Date.now();
    const signalled = await history.nextSignalWith(replicas, 30_000);
    if (i >= warmup) {
      latencies.push(signalled - sent);
      patchRoundTrips.push(answered - sent);
      options.onSample?.(i - warmup, signalled - sent);
    }
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await controller.stop();
  return { latencies, patchRoundTrips };
}

/** Follows a workflow's history with long polls, as the SDK follows a result. */
class HistoryFollower {
  #pageToken: Uint8Array | undefined;
  #pending: HistoryEvent[] = [];

  constructor(
    private readonly stack: ControllerStack,
    private readonly workflowId: string,
    private readonly signal: AbortSignal,
  ) {}

  /** The event time (ms) of the next `desiredCluster` signal, which must carry these replicas. */
  async nextSignalWith(replicas: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.#pending.shift() ?? (await this.#more(deadline));
      if (event === undefined) continue;
      const signal = event.workflowExecutionSignaledEventAttributes;
      if (signal?.signalName !== 'desiredCluster') continue;
      const [payload] = signal.input?.payloads ?? [];
      const desired = payload
        ? defaultPayloadConverter.fromPayload<{ machineDeployments?: { name: string; replicas: number }[] }>(payload)
        : undefined;
      const got = desired?.machineDeployments?.find((d) => d.name === deployment)?.replicas;
      if (got !== replicas)
        throw new Error(
          `expected a desired state with ${deployment} at ${replicas} replicas, got ${String(got)}: a change was signalled twice or lost`,
        );
      const time = event.eventTime;
      return Number(time?.seconds ?? 0) * 1_000 + Math.floor((time?.nanos ?? 0) / 1e6);
    }
  }

  async #more(deadline: number): Promise<HistoryEvent | undefined> {
    if (Date.now() > deadline) throw new Error(`no desiredCluster signal reached ${this.workflowId} in time`);
    this.signal.throwIfAborted();
    const { connection, namespace: temporalNamespace } = this.stack.temporal;
    // A signal per call: the client leaves its listener on the signal it is given.
    const call = new AbortController();
    const abortCall = (): void => {
      call.abort();
    };
    this.signal.addEventListener('abort', abortCall, { once: true });
    try {
      const response = await connection.withAbortSignal(call.signal, () =>
        connection.workflowService.getWorkflowExecutionHistory({
          namespace: temporalNamespace,
          execution: { workflowId: this.workflowId },
          waitNewEvent: true,
          maximumPageSize: 200,
          ...(this.#pageToken ? { nextPageToken: this.#pageToken } : {}),
        }),
      );
      if (response.nextPageToken.length > 0) this.#pageToken = response.nextPageToken;
      this.#pending.push(...(response.history?.events ?? []));
    } catch (error) {
      // NOT_FOUND until the controller's first signalWithStart created the workflow.
      if ((error as { code?: number }).code !== 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      this.signal.removeEventListener('abort', abortCall);
    }
    return this.#pending.shift();
  }
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
