import type { ClusterProgress } from '../../api/cluster-messages.ts';
import type { WorkflowState } from './workflow-state.ts';

/**
 * What the leader remembers of one cluster between reconciles. Memory only: a new leader starts
 * empty, looks at each workflow once and re-sends each desired state once (the workflow ignores
 * a spec it already has).
 */
export interface ClusterRecord {
  workflow: WorkflowState;
  /** Hash of the last DesiredCluster signalled: an unchanged one is not sent again. */
  sentHash?: string | undefined;
  /** The deleteCluster signal was sent to the running workflow. */
  deleteSent: boolean;
  /** The latest `clusterProgress` answer and when it was asked. */
  progress?: ClusterProgress | undefined;
  polledAtMs: number;
  /** The last poll's error, logged once rather than every second. */
  pollError?: string | undefined;
  /** Poll at the fast rate until then (something was just sent). */
  activeUntilMs: number;
  polling: boolean;
  /** Stops waiting for the workflow's end. */
  completion?: AbortController | undefined;
  /** Spec problems and warnings already told as Events, so a reconcile repeats none. */
  told: Set<string>;
}

/** Per-cluster records, created on first use. */
export class ClusterRecords {
  readonly #records = new Map<string, ClusterRecord>();
  // Kept apart from the records: a record is polled, and a cluster that does not exist has no workflow to poll.
  readonly #orphanNotices = new Map<string, Set<string>>();

  /** The record of a cluster, new if there was none. */
  of(key: string): ClusterRecord {
    let record = this.#records.get(key);
    if (!record) {
      record = { workflow: { state: 'unknown' }, deleteSent: false, polledAtMs: 0, activeUntilMs: 0, polling: false, told: new Set() };
      this.#records.set(key, record);
    }
    return record;
  }

  has(key: string): boolean {
    return this.#records.has(key);
  }

  /** Every cluster with a record. */
  keys(): string[] {
    return [...this.#records.keys()];
  }

  /** Forgets a cluster (gone, or leadership lost), ending its completion wait. */
  forget(key: string): void {
    this.#records.get(key)?.completion?.abort();
    this.#records.delete(key);
  }

  /** What was told about the objects naming a cluster that does not exist, so a reconcile repeats none. */
  orphanNotices(key: string): Set<string> {
    let told = this.#orphanNotices.get(key);
    if (!told) {
      told = new Set();
      this.#orphanNotices.set(key, told);
    }
    return told;
  }

  /** Forgets what was told about a cluster's orphans (the Cluster exists, or nothing names it any more). */
  forgetOrphanNotices(key: string): void {
    this.#orphanNotices.delete(key);
  }

  /** Forgets every cluster. */
  clear(): void {
    for (const key of this.keys()) this.forget(key);
    this.#orphanNotices.clear();
  }
}
