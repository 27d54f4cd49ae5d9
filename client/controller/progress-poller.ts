import { WorkflowNotFoundError } from '@temporalio/client';
import type { ClusterProgress } from '../../api/cluster-messages.ts';
import type { ClusterRecords } from './cluster-records.ts';
import type { ClusterWorkflows } from './cluster-workflows.ts';
import type { Logger } from './logger.ts';
import { pollDue, type PollIntervals } from './poll-schedule.ts';
import { parseClusterKey } from '../../api/cluster-ref.ts';

export interface ProgressPollerOptions {
  readonly workflows: ClusterWorkflows;
  readonly records: ClusterRecords;
  readonly intervals: PollIntervals;
  /** The progress changed (or was seen for the first time: `previous` undefined). */
  readonly onProgress: (key: string, previous: ClusterProgress | undefined, next: ClusterProgress) => void;
  /** The workflow turned out gone, or came back (a reset): the cluster needs a reconcile. */
  readonly onWorkflowChange: (key: string) => void;
  readonly logger: Logger;
}

/**
 * Asks each cluster workflow for `clusterProgress` on the schedule of poll-schedule.ts: a query
 * (answered by a worker from its cache) every second while something happens, every few seconds
 * when idle. A workflow that ended abnormally is only described (no worker needed) until a reset
 * brings it back. Only the leader polls.
 */
export class ProgressPoller {
  readonly #options: ProgressPollerOptions;
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;

  constructor(options: ProgressPollerOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const tickMs = Math.max(50, Math.min(this.#options.intervals.activeMs, 1_000) / 2);
    this.#timer = setInterval(() => {
      this.#tick();
    }, tickMs);
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#timer);
    await Promise.all(this.#inFlight);
  }

  /** Polls a cluster at the next tick, whatever its schedule says. */
  pollSoon(key: string): void {
    const record = this.#options.records.of(key);
    record.polledAtMs = 0;
  }

  #tick(): void {
    const now = Date.now();
    for (const key of this.#options.records.keys()) {
      const record = this.#options.records.of(key);
      if (!pollDue(record, now, this.#options.intervals)) continue;
      record.polling = true;
      const poll = this.#poll(key).finally(() => {
        record.polling = false;
        record.polledAtMs = Date.now();
        this.#inFlight.delete(poll);
      });
      this.#inFlight.add(poll);
    }
  }

  async #poll(key: string): Promise<void> {
    const { namespace, name } = parseClusterKey(key);
    const { records, workflows } = this.#options;
    const record = records.of(key);
    try {
      if (record.workflow.state === 'ended') {
        const now = await workflows.describe(namespace, name);
        if (now.state !== 'ended' && this.#current(key, record)) {
          record.workflow = now;
          this.#options.onWorkflowChange(key);
        }
        return;
      }
      const next = await workflows.progress(namespace, name);
      if (!this.#current(key, record)) return;
      const previous = record.progress;
      record.progress = next;
      if (record.pollError !== undefined) this.#options.logger.info(`progress of ${key}: answering again`);
      record.pollError = undefined;
      if (previous === undefined || JSON.stringify(previous) !== JSON.stringify(next)) this.#options.onProgress(key, previous, next);
    } catch (error) {
      if (!this.#current(key, record)) return;
      if (error instanceof WorkflowNotFoundError) {
        record.workflow = { state: 'absent' };
        record.progress = undefined;
        this.#options.onWorkflowChange(key);
        return;
      }
      // No worker answering (the query times out) is news once, not every second.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== record.pollError) this.#options.logger.warn(`progress of ${key}: ${message}`);
      record.pollError = message;
    }
  }

  /** Whether the record is still the leader's live one (not forgotten while the poll ran). */
  #current(key: string, record: ReturnType<ClusterRecords['of']>): boolean {
    return this.#running && this.#options.records.has(key) && this.#options.records.of(key) === record;
  }
}
