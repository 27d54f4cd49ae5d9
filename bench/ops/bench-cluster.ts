// One cluster a section builds and changes: started through the Temporal client with a desired
// state (signalWithStart, as the controller does), watched through its progress query, and its
// operations timed by their child workflow's own start and close, so no controller or polling
// latency is in a wall time.
import type { WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import { clusterProgressQuery, deleteClusterSignal, desiredClusterSignal, type ClusterProgress } from '../../api/cluster-messages.ts';
import { newClusterState } from '../../api/cluster-workflow-state.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { defaultVersionCatalog } from '../../api/capi/default-version-catalog.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import type { clusterWorkflow } from '../../workflows/cluster-workflow.ts';
import type { OpsStack } from './ops-stack.ts';

/** The machine shape every bench machine gets (the simulator's Talos template VM 9000). */
export const benchMachine = { cores: 2, memoryMiB: 2048, diskGiB: 20, templateVmid: 9000 };

/**
 * A desired cluster on the simulators with a pool in 127.0.<net>.0/24 (Talos nodes listen on their
 * VM's address), planned with the version catalog Capstan ships.
 */
export function benchDesiredCluster(
  name: string,
  net: number,
  shape: Pick<DesiredClusterInput, 'kubernetesVersion' | 'talosVersion' | 'controlPlane' | 'machineDeployments'>,
): DesiredClusterInput {
  return {
    namespace: 'default',
    name,
    generation: 1,
    ...shape,
    proxmox: { allowedNodes: ['pve1', 'pve2', 'pve3'] },
    network: { poolName: name, ipv4Pool: { addresses: [`127.0.${net}.10-127.0.${net}.200`], prefix: 24, gateway: `127.0.${net}.1` } },
    versionCatalog: defaultVersionCatalog,
  };
}

/** One operation's child workflow and how long it ran. */
export interface OperationRun {
  readonly workflowId: string;
  readonly workflowType: string;
  /** Start and close, ms since the epoch (Temporal's clock); closedAt is NaN while it runs. */
  readonly startedAt: number;
  readonly closedAt: number;
}

/** A run's wall time: its child workflow's start → close. */
export const wallMs = (run: Pick<OperationRun, 'startedAt' | 'closedAt'>): number => run.closedAt - run.startedAt;

/** A cluster under measurement. */
export class BenchCluster {
  #desired: DesiredClusterInput;
  #handle: WorkflowHandleWithSignaledRunId<typeof clusterWorkflow> | undefined;

  constructor(
    private readonly stack: OpsStack,
    desired: DesiredClusterInput,
  ) {
    this.#desired = desired;
  }

  get desired(): DesiredClusterInput {
    return this.#desired;
  }

  /** Sends a desired state (the first one starts the cluster workflow); returns the operation count before it. */
  async apply(next: DesiredClusterInput): Promise<number> {
    const before = this.#handle === undefined ? 0 : (await this.progress()).operations;
    this.#desired = next;
    this.#handle = await this.stack.client.workflow.signalWithStart<typeof clusterWorkflow, [DesiredClusterInput]>('clusterWorkflow', {
      taskQueue: this.stack.taskQueue,
      workflowId: clusterWorkflowId(next.namespace, next.name),
      args: [newClusterState(next.namespace, next.name)],
      signal: desiredClusterSignal,
      signalArgs: [next],
    });
    return before;
  }

  /** The next desired state: `change` applied, generation + 1. */
  changed(change: (desired: DesiredClusterInput) => Partial<DesiredClusterInput>): DesiredClusterInput {
    return { ...this.#desired, ...change(this.#desired), generation: this.#desired.generation + 1 };
  }

  progress(): Promise<ClusterProgress> {
    if (this.#handle === undefined) throw new Error('the cluster was not started');
    return this.#handle.query(clusterProgressQuery);
  }

  /** Until more than `after` operations ran and the cluster stays Idle; fails at once when it blocks or holds. */
  async settled(after: number, timeoutMs: number, log?: (line: string) => void): Promise<ClusterProgress> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let idleSince: { at: number; operations: number } | undefined;
    for (;;) {
      const now = await this.progress();
      if (now.phase === 'Held') throw new Error(`${this.#desired.name} is held: ${now.held ?? ''}`);
      const blocked = now.blocked[0];
      if (blocked)
        throw new Error(`${this.#desired.name} blocked at ${blocked.workflowId} ${blocked.step}: ${blocked.errorType}: ${blocked.message}`);
      // Idle twice, 3 s apart, with no new operation: a follow-up operation would have started by then.
      if (now.phase === 'Idle' && now.operations > after) {
        if (idleSince !== undefined && idleSince.operations === now.operations && Date.now() - idleSince.at >= 3_000) return now;
        if (idleSince?.operations !== now.operations) idleSince = { at: Date.now(), operations: now.operations };
      } else idleSince = undefined;
      const where = now.operation
        ? `${now.operation.summary}: ${now.operation.currentStep} (${now.operation.step}/${now.operation.steps})`
        : now.phase;
      // Progress for the reader: each step once, not the moments between operations.
      if (where !== last && now.operation?.currentStep && log) log(where);
      last = where;
      if (Date.now() > deadline) throw new Error(`${this.#desired.name} did not settle within ${timeoutMs / 1000} s: ${where}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The operations (child workflows of the cluster workflow) started so far, oldest first, with their run times. */
  async operations(): Promise<OperationRun[]> {
    if (this.#handle === undefined) return [];
    const history = await this.stack.client.workflow.getHandle(this.#handle.workflowId).fetchHistory();
    const runs: OperationRun[] = [];
    for (const event of history.events ?? []) {
      const started = event.childWorkflowExecutionStartedEventAttributes;
      const workflowId = started?.workflowExecution?.workflowId;
      if (!started || !workflowId) continue;
      const described = await this.stack.client.workflow.getHandle(workflowId).describe();
      const closed = described.closeTime;
      runs.push({
        workflowId,
        workflowType: started.workflowType?.name ?? described.type,
        startedAt: described.startTime.getTime(),
        closedAt: closed?.getTime() ?? Number.NaN,
      });
    }
    return runs;
  }

  /** The last operation of this workflow type; fails when there is none. */
  async lastOperation(workflowType: string): Promise<OperationRun> {
    const run = (await this.operations()).filter((r) => r.workflowType === workflowType).at(-1);
    if (!run) throw new Error(`${this.#desired.name} ran no ${workflowType}`);
    if (!Number.isFinite(run.closedAt)) throw new Error(`${run.workflowId} has not closed`);
    return run;
  }

  /** Deletes the cluster and waits until its workflow has ended (so the next section starts on a quiet stack). */
  async delete(timeoutMs: number): Promise<void> {
    if (this.#handle === undefined) return;
    const handle = this.stack.client.workflow.getHandle(this.#handle.workflowId);
    await handle.signal(deleteClusterSignal);
    const deadline = Date.now() + timeoutMs;
    while ((await handle.describe()).status.name === 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`${this.#desired.name} was not deleted within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
