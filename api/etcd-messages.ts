import { defineUpdate } from '@temporalio/workflow';
import type { EtcdSnapshotListing } from './etcd-snapshots.ts';

/** What `capstan etcd restore` asks for: one snapshot by id, or the newest one the store lists. */
export interface EtcdRestoreRequest {
  readonly snapshot?: string | undefined;
}

/** The answer once the restore is queued: which snapshot, and the operation it waits for, if any. */
export interface EtcdRestoreAccepted {
  readonly snapshot: string;
  readonly after?: string | undefined;
}

/**
 * Lists the cluster's etcd snapshots from its store, through the worker (which alone may see the
 * store: its own folder, or a bucket whose Secret only it reads). An update, not a query: it runs
 * an activity. Refused while the cluster's spec is invalid (its store is then unknown).
 */
export const etcdSnapshotsUpdate = defineUpdate<EtcdSnapshotListing>('etcdSnapshots');

/**
 * Restores the cluster's etcd from a snapshot, as a durable operation (`cluster/<ns>/<name>/etcd-restore/<n>`)
 * that supersedes a blocked operation and waits for a running one. Refused while the spec is
 * invalid, before etcd was ever bootstrapped, while the cluster is being deleted, or while another
 * restore is queued or running.
 */
export const etcdRestoreUpdate = defineUpdate<EtcdRestoreAccepted, [request: EtcdRestoreRequest]>('etcdRestore');
