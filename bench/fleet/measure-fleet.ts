// Fleet scale, orchestration overhead and idle cost (issue 13): N clusters of 1 control plane + 2
// workers provisioned at once by one Capstan worker process on the embedded dev server with
// zero-latency simulators, against a bare Temporal baseline that runs the same activities in the
// same tree on the same server with the same worker settings.
//
// Clusters are started through the Temporal client (signalWithStart of `cluster/<ns>/<name>` with
// a DesiredCluster input, as the controller does and as the tests do), not through the
// controller: the controller's mapping and its polls of the management cluster would add their own
// cost to the worker's, and the controller's latency is measured on its own (controller-latency.ts).
//
// Each size gets a fresh stack, so a size measures its own clusters only (not the idle observation
// of the sizes before it). Per size: one warm-up cluster (bundles, JIT, caches) whose histories give
// the tree the baseline runs; then the baseline (its worker is then stopped); then Capstan's N
// clusters; then, for one size, an idle window at the real observation interval.
import { availableParallelism } from 'node:os';
import type { Client } from '@temporalio/client';
import { clusterWorkflowType, newClusterState } from '../../api/cluster-workflow-state.ts';
import { desiredClusterSignal } from '../../api/cluster-messages.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { TaskQueue } from '../../api/task-queues.ts';
import { delay } from '../../embedded/servers/managed-process.ts';
import { historyEvents, inParallel, listExecutions } from './fleet-census.ts';
import { fleetDesiredCluster, machinesPerFleetCluster } from './fleet-cluster.ts';
import { startFleetStack, type FleetRole, type FleetStack } from './fleet-stack.ts';
import { availableMemoryBytes, machineCpuSeconds } from './process-usage.ts';
import { cpuBoundSeconds, cpuLimit, perMinute, perSecond, perUnitHour, type Limit } from './rates.ts';
import { cpuBetween, sampleMemory, usageByRole } from './role-usage.ts';
import { byType } from './activity-times.ts';
import { activitiesIn, readProvisionTree, workflowsIn, type WorkflowShape } from './workflow-shape.ts';

/** What to measure. */
export interface FleetOptions {
  /** Cluster counts, measured one after the other, each on a fresh stack (default 50, 100, 200, 500). */
  readonly sizes?: readonly number[];
  /** The size whose clusters are watched idle (default: the smallest). */
  readonly idleSize?: number;
  /** The idle window in seconds (default 180: three observations at the default 60 s interval). */
  readonly idleSeconds?: number;
  /**
   * How long one size's provisioning may take before it counts as broken (default 300 s); a size
   * the last one's CPU per cluster says cannot make it is not run but reported as the knee.
   */
  readonly timeoutSeconds?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** Called with a stop function once a stack runs, so Ctrl-C can end it. */
  readonly stackReady?: (stop: () => Promise<void>) => void;
}

/** One size's figures. */
export interface FleetSizeResult {
  readonly clusters: number;
  /** Completed provisionings (== clusters unless it broke). */
  readonly provisioned: number;
  /** Why it stopped, when it did not finish. */
  readonly broke?: string;
  readonly wallSeconds?: number;
  readonly clustersPerMinute?: number;
  readonly activities?: number;
  readonly activitiesPerSecond?: number;
  readonly workerCpuSecondsPerCluster?: number;
  /** Worker resident memory added per cluster (peak during the run minus before it). */
  readonly workerRssMiBPerCluster?: number;
  readonly workerPeakRssMiB?: number;
  /** What the simulators (this process and their kube-apiserver) grew by, per cluster. */
  readonly simRssMiBPerCluster?: number;
  /** The highest resident memory of each part during the run. */
  readonly peakRssMiB?: Partial<Record<FleetRole, number>>;
  readonly historyEventsPerMachine?: number;
  /** CPU seconds of each part during Capstan's run. */
  readonly cpuSeconds?: Partial<Record<FleetRole, number>>;
  /** CPU seconds every other process on the machine used meanwhile (a busy machine slows every figure). */
  readonly otherCpuSeconds?: number;
  readonly limit?: Limit;
  readonly bare?: {
    readonly wallSeconds: number;
    readonly workerCpuSeconds: number;
    readonly devServerCpuSeconds: number;
    readonly historyEventsPerMachine: number;
  };
  /** Capstan's wall time over the baseline's (target ≤ 1.2). */
  readonly overhead?: number;
  /**
   * Where one cluster's provisioning spent its time (the last cluster started): activity types by
   * their summed time from scheduled to completed, retries and back-off included.
   */
  readonly slowestActivities?: readonly {
    readonly type: string;
    readonly seconds: number;
    readonly count: number;
    readonly retries: number;
  }[];
}

/** The idle window's figures, per idle cluster and hour. */
export interface FleetIdleResult {
  readonly clusters: number;
  readonly windowSeconds: number;
  readonly workerCpuSecondsPerClusterHour: number;
  readonly devServerCpuSecondsPerClusterHour: number;
  readonly simCpuSecondsPerClusterHour: number;
  readonly historyEventsPerClusterHour: number;
}

/** Everything the fleet section measured. */
export interface FleetJson {
  readonly machineCores: number;
  /** The tree each cluster's provisioning ran (and the baseline ran again). */
  readonly shape?: { readonly workflows: number; readonly activities: number };
  readonly sizes: readonly FleetSizeResult[];
  readonly idle?: FleetIdleResult;
  /** The first size that did not finish, and why. */
  readonly knee?: string;
}

/** A line of the report table. */
export interface FleetRow {
  readonly measurement: string;
  readonly value: string;
  readonly target?: string;
  readonly met?: boolean;
}

/** The overhead target the issue sets: Capstan within 1.2× a bare workflow doing the same. */
export const overheadTarget = 1.2;

const fleetNamespace = 'fleet';
const bareTaskQueue = 'fleet-bare';
const mib = (bytes: number): number => bytes / 2 ** 20;
/** Below this much available memory a run is stopped and counted as broken by memory. */
const lowMemoryBytes = 512 * 2 ** 20;

/** Measures every size; never throws for a size that broke (that is the knee), only for a broken bench. */
export async function measureFleet(options: FleetOptions = {}): Promise<{ rows: FleetRow[]; json: FleetJson }> {
  const sizes = options.sizes ?? [50, 100, 200, 500];
  const idleSize = options.idleSize ?? Math.min(...sizes);
  const log = options.log ?? ((): void => undefined);
  const machineCores = availableParallelism();
  const results: FleetSizeResult[] = [];
  let idle: FleetIdleResult | undefined;
  let shape: WorkflowShape | undefined;
  let knee: string | undefined;
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  let cpuPerCluster: number | undefined;
  for (const clusters of sizes) {
    if (knee) {
      results.push({ clusters, provisioned: 0, broke: `not tried: ${knee}` });
      continue;
    }
    // A size that cannot finish within the timeout even with every core at work is not run (it
    // would only burn the timeout): its knee is projected from the last size's CPU per cluster.
    const floor = cpuPerCluster === undefined ? 0 : cpuBoundSeconds(cpuPerCluster, clusters, machineCores);
    if (floor > timeoutSeconds) {
      knee = `${clusters} clusters: CPU (projected, not run): at ${(cpuPerCluster ?? 0).toFixed(1)} CPU s per cluster (worker, dev server, management cluster, simulators) they need at least ${floor.toFixed(0)} s of all ${machineCores} cores, over the ${timeoutSeconds} s allowed`;
      results.push({ clusters, provisioned: 0, broke: knee });
      continue;
    }
    log(`fleet ${clusters}: starting the stack…`);
    const stack = await startFleetStack(`bench-fleet-${clusters}`, fleetNamespace);
    options.stackReady?.(() => stack.stop());
    try {
      const run = await measureSize(stack, clusters, options, log);
      shape ??= run.shape;
      results.push(run.result);
      const spent = run.result.cpuSeconds;
      if (spent && !run.result.broke) cpuPerCluster = Object.values<number>(spent).reduce((sum, x) => sum + x, 0) / clusters;
      if (run.result.broke) knee = `${clusters} clusters: ${run.result.broke}`;
      else if (clusters === idleSize) idle = await measureIdle(stack, clusters, options.idleSeconds ?? 180, log);
    } finally {
      await stack.stop();
    }
  }
  const json: FleetJson = {
    machineCores,
    ...(shape ? { shape: { workflows: workflowsIn(shape), activities: activitiesIn(shape) } } : {}),
    sizes: results,
    ...(idle ? { idle } : {}),
    ...(knee ? { knee } : {}),
  };
  return { rows: fleetRows(json), json };
}

async function measureSize(
  stack: FleetStack,
  clusters: number,
  options: FleetOptions,
  log: (line: string) => void,
): Promise<{ result: FleetSizeResult; shape: WorkflowShape }> {
  const timeoutMs = (options.timeoutSeconds ?? 300) * 1_000;
  const { client } = stack;
  // Warm-up: cluster 0, while the baseline's worker bundles its workflows.
  const bareWorker = stack.startBareWorker(bareTaskQueue);
  bareWorker.catch(() => undefined); // awaited below; the stack stops it whatever happens
  const warmup = await provision(stack, [0], timeoutMs);
  if (warmup.done < 1) throw new Error(`the warm-up cluster did not provision within ${timeoutMs / 1_000} s: ${warmup.why}`);
  const { shape } = await readProvisionTree(client, clusterWorkflowId(fleetNamespace, fleetDesiredCluster(fleetNamespace, 0).name));
  log(`fleet ${clusters}: warm-up cluster provisioned; its tree: ${workflowsIn(shape)} workflows, ${activitiesIn(shape)} activities`);

  // The baseline: the same tree per cluster, no-op activities, its own worker process.
  const bare = (await bareWorker).process;
  const bareBefore = usageByRole({ worker: [bare.pid], 'dev server': [stack.temporal.process.pid] });
  const bareStart = Date.now();
  await inParallel(
    Array.from({ length: clusters }, (_, i) => i),
    32,
    async (i) => {
      await client.workflow.start('bareClusterWorkflow', { taskQueue: bareTaskQueue, workflowId: `bare/${i}`, args: [shape] });
    },
  );
  const bareRun = await completions(client, 'bareClusterWorkflow', clusters, bareStart, timeoutMs);
  if (bareRun.done < clusters) throw new Error(`the bare baseline did not finish: ${bareRun.done}/${clusters}, ${bareRun.why}`);
  const bareWallMs = bareRun.wallMs;
  const bareCpu = cpuBetween(bareBefore, usageByRole({ worker: [bare.pid], 'dev server': [stack.temporal.process.pid] }));
  await (await bareWorker).stop();
  const bareEvents = await historyEvents(client, await listExecutions(client, `WorkflowId STARTS_WITH 'bare/'`));
  log(`fleet ${clusters}: baseline ${(bareWallMs / 1_000).toFixed(1)} s`);

  // Capstan's N clusters (1…N; 0 was the warm-up).
  const before = usageByRole(stack.pids());
  const machineBefore = machineCpuSeconds();
  const memory = sampleMemory(() => stack.pids());
  const indexes = Array.from({ length: clusters }, (_, i) => i + 1);
  const run = await provision(stack, indexes, timeoutMs, (done) => {
    log(`fleet ${clusters}: ${done}/${clusters} provisioned`);
  });
  const peak = memory.stop();
  const cpu = cpuBetween(before, usageByRole(stack.pids()));
  const otherCpuSeconds = othersCpu(machineCpuSeconds() - machineBefore, cpu);
  const limit = cpuLimit(roleShares(cpu, otherCpuSeconds), run.wallMs, availableParallelism());
  const provisioned = run.done;
  if (provisioned < clusters) {
    const machines = await machinesBuilt(client, run.started);
    const broke = `${provisioned}/${clusters} provisioned, ${machines}/${clusters * machinesPerFleetCluster} machines built after ${(run.wallMs / 1_000).toFixed(0)} s (${run.why}); ${limit.verdict}`;
    return {
      result: { clusters, provisioned, broke, cpuSeconds: cpu, otherCpuSeconds, limit, workerPeakRssMiB: mib(peak.worker ?? 0) },
      shape,
    };
  }
  const ids = indexes.map((i) => fleetDesiredCluster(fleetNamespace, i).name);
  const capstanExecutions = (await listExecutions(client, `WorkflowId STARTS_WITH 'cluster/${fleetNamespace}/fleet-'`)).filter(
    (info) => !info.workflowId.startsWith(clusterWorkflowId(fleetNamespace, fleetDesiredCluster(fleetNamespace, 0).name)),
  );
  const events = await historyEvents(client, capstanExecutions);
  // Every cluster runs the same tree; one of the fleet's own is read to check that.
  const last = await readProvisionTree(client, clusterWorkflowId(fleetNamespace, ids.at(-1) ?? ''));
  const activities = activitiesIn(last.shape) * clusters;
  const slowest = byType(last.activityTimes)
    .slice(0, 5)
    .map((t) => ({ type: t.type, seconds: t.ms / 1_000, count: t.count, retries: t.retries }));
  const machines = clusters * machinesPerFleetCluster;
  const wallSeconds = run.wallMs / 1_000;
  log(`fleet ${clusters}: ${wallSeconds.toFixed(1)} s, ${limit.verdict}`);
  return {
    shape,
    result: {
      clusters,
      provisioned,
      wallSeconds,
      clustersPerMinute: perMinute(clusters, run.wallMs),
      activities,
      activitiesPerSecond: perSecond(activities, run.wallMs),
      workerCpuSecondsPerCluster: cpu.worker / clusters,
      workerRssMiBPerCluster: mib((peak.worker ?? 0) - before.worker.rssBytes) / clusters,
      workerPeakRssMiB: mib(peak.worker ?? 0),
      simRssMiBPerCluster:
        mib(
          (peak['sim apiservers'] ?? 0) + (peak['bench + sims'] ?? 0) - before['sim apiservers'].rssBytes - before['bench + sims'].rssBytes,
        ) / clusters,
      peakRssMiB: Object.fromEntries(Object.entries(peak).map(([role, bytes]) => [role, mib(bytes)])),
      historyEventsPerMachine: events / machines,
      cpuSeconds: cpu,
      otherCpuSeconds,
      limit,
      bare: {
        wallSeconds: bareWallMs / 1_000,
        workerCpuSeconds: bareCpu.worker,
        devServerCpuSeconds: bareCpu['dev server'],
        historyEventsPerMachine: bareEvents / machines,
      },
      overhead: run.wallMs / bareWallMs,
      slowestActivities: slowest,
    },
  };
}

/** The parts' CPU shares, and everyone else's on the machine (other users' tests, say) as one more. */
const roleShares = (cpu: Record<FleetRole, number>, otherCpuSeconds: number) => [
  ...Object.entries(cpu).map(([role, cpuSeconds]) => ({ role, cpuSeconds })),
  { role: 'other processes', cpuSeconds: otherCpuSeconds },
];

/** The machine's busy CPU seconds less this stack's (never below 0: the two are read a moment apart). */
const othersCpu = (machine: number, cpu: Record<FleetRole, number>): number =>
  Math.max(0, machine - Object.values<number>(cpu).reduce((sum, s) => sum + s, 0));

/** Machine runs completed since a time: how far a run that did not finish came. */
async function machinesBuilt(client: Client, since: number): Promise<number> {
  const query = `WorkflowType = 'createMachineWorkflow' AND ExecutionStatus = 'Completed' AND StartTime >= '${new Date(since - 1_000).toISOString()}'`;
  return (await client.workflow.count(query)).count;
}

/**
 * Starts the clusters (signalWithStart, as the controller does) and waits until each has
 * completed its provisioning. The wall time ends at the last provisioning's close time.
 */
async function provision(
  stack: FleetStack,
  indexes: readonly number[],
  timeoutMs: number,
  progress?: (done: number) => void,
): Promise<{ done: number; wallMs: number; why: string; started: number }> {
  const { client } = stack;
  const started = Date.now();
  await inParallel(indexes, 32, async (i) => {
    const desired = fleetDesiredCluster(fleetNamespace, i);
    await client.workflow.signalWithStart(clusterWorkflowType, {
      taskQueue: TaskQueue.lifecycle,
      workflowId: clusterWorkflowId(desired.namespace, desired.name),
      args: [newClusterState(desired.namespace, desired.name)],
      signal: desiredClusterSignal,
      signalArgs: [desired],
    });
  });
  return { ...(await completions(client, 'provisionWorkflow', indexes.length, started, timeoutMs, progress)), started };
}

/**
 * Waits until `expected` runs of a workflow type started since `started` have completed; the
 * wall time ends at the last one's close time. Stops early when memory runs out.
 */
async function completions(
  client: Client,
  workflowType: string,
  expected: number,
  started: number,
  timeoutMs: number,
  progress?: (done: number) => void,
): Promise<{ done: number; wallMs: number; why: string }> {
  const since = `WorkflowType = '${workflowType}' AND StartTime >= '${new Date(started - 1_000).toISOString()}'`;
  let lastReport = Date.now();
  for (;;) {
    const done = (await client.workflow.count(`${since} AND ExecutionStatus = 'Completed'`)).count;
    if (done >= expected) {
      const closed = await listExecutions(client, `${since} AND ExecutionStatus = 'Completed'`);
      const last = Math.max(...closed.map((info) => info.closeTime?.getTime() ?? Date.now()));
      return { done, wallMs: last - started, why: 'done' };
    }
    // Out of memory is a knee too: stop before the kernel's OOM killer picks a process for us.
    const available = availableMemoryBytes();
    if (available < lowMemoryBytes) {
      return { done, wallMs: Date.now() - started, why: `memory: only ${mib(available).toFixed(0)} MiB left available` };
    }
    if (Date.now() - started > timeoutMs) {
      const failed = (await client.workflow.count(`${since} AND ExecutionStatus != 'Running' AND ExecutionStatus != 'Completed'`)).count;
      return {
        done,
        wallMs: Date.now() - started,
        why: `timed out after ${timeoutMs / 1_000} s${failed > 0 ? `, ${failed} failed` : ''}`,
      };
    }
    if (progress && Date.now() - lastReport > 15_000) {
      progress(done);
      lastReport = Date.now();
    }
    await delay(2_000);
  }
}

/** CPU and history events of idle clusters over a window at their real observation interval. */
async function measureIdle(
  stack: FleetStack,
  clusters: number,
  windowSeconds: number,
  log: (line: string) => void,
): Promise<FleetIdleResult> {
  const { client } = stack;
  const census = async (): Promise<number> =>
    historyEvents(client, await listExecutions(client, `WorkflowType = '${clusterWorkflowType}'`));
  log(`fleet ${clusters}: idle window of ${windowSeconds} s…`);
  const eventsBefore = await census();
  const before = usageByRole(stack.pids());
  const startedAt = Date.now();
  await delay(windowSeconds * 1_000);
  const cpu = cpuBetween(before, usageByRole(stack.pids()));
  const windowMs = Date.now() - startedAt;
  const eventsAfter = await census();
  const idleClusters = clusters + 1; // the warm-up cluster idles too
  return {
    clusters: idleClusters,
    windowSeconds: windowMs / 1_000,
    workerCpuSecondsPerClusterHour: perUnitHour(cpu.worker, idleClusters, windowMs),
    devServerCpuSecondsPerClusterHour: perUnitHour(cpu['dev server'], idleClusters, windowMs),
    simCpuSecondsPerClusterHour: perUnitHour(cpu['sim apiservers'] + cpu['bench + sims'], idleClusters, windowMs),
    historyEventsPerClusterHour: perUnitHour(eventsAfter - eventsBefore, idleClusters, windowMs),
  };
}

/** The table lines of the fleet section. */
export function fleetRows(json: FleetJson): FleetRow[] {
  const rows: FleetRow[] = [];
  const f = (x: number | undefined, digits = 2): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));
  for (const size of json.sizes) {
    const label = `fleet ${size.clusters}`;
    if (size.broke) {
      rows.push({ measurement: label, value: `broke: ${size.broke}` });
      continue;
    }
    rows.push({
      measurement: label,
      value: `${f(size.wallSeconds, 1)} s, ${f(size.clustersPerMinute, 1)} clusters/min, ${f(size.activitiesPerSecond, 1)} activities/s, worker ${f(size.workerCpuSecondsPerCluster)} CPU s and ${f(size.workerRssMiBPerCluster)} MiB per cluster (peak ${f(size.workerPeakRssMiB, 0)} MiB), simulators ${f(size.simRssMiBPerCluster)} MiB per cluster, ${f(size.historyEventsPerMachine, 0)} history events per machine; ${size.limit?.verdict ?? ''}`,
    });
    if (size.overhead !== undefined && size.bare) {
      rows.push({
        measurement: `overhead ${size.clusters}`,
        value: `${f(size.overhead)}× (Capstan ${f(size.wallSeconds, 1)} s vs bare ${f(size.bare.wallSeconds, 1)} s; bare ${f(size.bare.historyEventsPerMachine, 0)} events per machine)`,
        target: `≤ ${overheadTarget}×`,
        met: size.overhead <= overheadTarget,
      });
    }
    if (size.slowestActivities) {
      rows.push({
        measurement: `  time per cluster ${size.clusters}`,
        value: size.slowestActivities
          .map((a) => `${a.type} ${f(a.seconds, 1)} s (${a.count}×${a.retries > 0 ? `, ${a.retries} retries` : ''})`)
          .join(', '),
      });
    }
  }
  if (json.idle) {
    const i = json.idle;
    rows.push({
      measurement: `idle (${i.clusters} clusters, ${f(i.windowSeconds, 0)} s)`,
      value: `per cluster-hour: worker ${f(i.workerCpuSecondsPerClusterHour)} CPU s, dev server ${f(i.devServerCpuSecondsPerClusterHour)} CPU s, simulators ${f(i.simCpuSecondsPerClusterHour)} CPU s, ${f(i.historyEventsPerClusterHour, 0)} history events`,
    });
  }
  if (json.knee) rows.push({ measurement: 'fleet knee', value: json.knee });
  return rows;
}
