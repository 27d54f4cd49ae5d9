import type { MappingOptions } from '../../api/capi/to-desired-cluster.ts';
import type { ClusterRecord, ClusterRecords } from './cluster-records.ts';
import type { ClusterWorkflows } from './cluster-workflows.ts';
import type { EventRecorder } from './events/event-recorder.ts';
import type { Informers } from './informers.ts';
import type { KubeWrites } from './kube-writes.ts';
import type { Logger } from './logger.ts';
import type { RawObject } from './raw-object.ts';

/** What a reconcile reads and writes through: caches, the API server, Temporal, Events, memory. */
export interface ReconcileDeps {
  readonly informers: Pick<Informers, 'list' | 'get'>;
  readonly kube: KubeWrites;
  readonly workflows: ClusterWorkflows;
  readonly events: EventRecorder;
  readonly records: ClusterRecords;
  readonly mapping: MappingOptions;
  /** The finalizer the controller puts on Clusters. */
  readonly finalizer: string;
  /** How long polls stay fast after a signal. */
  readonly afterSignalMs: number;
  /** How long a new cluster's objects must be quiet before its workflow starts. */
  readonly startSettleMs: number;
  /** Time since an object of the cluster last arrived or left. */
  readonly sinceLastChangeMs: (key: string) => number;
  readonly isLeader: () => boolean;
  /** Starts waiting for the cluster workflow's end (once per cluster). */
  readonly watchCompletion: (key: string) => void;
  /** Polls the cluster's progress at the next tick. */
  readonly pollSoon: (key: string) => void;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** The one cluster a reconcile works on, read once at its start (CAPI's scope). */
export interface ReconcileScope {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** The Cluster as cached (or as the finalizer patch returned it). */
  readonly cluster: RawObject;
  readonly record: ClusterRecord;
  readonly paused: boolean;
}
