import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { ErrorType } from '../../api/errors.ts';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { etcdRestoreUpdate, etcdSnapshotsUpdate, type EtcdRestoreRequest } from '../../api/etcd-messages.ts';
import { EtcdSnapshotRecord } from '../../api/etcd-snapshots.ts';
import { calls } from '../activity-profiles.ts';
import type { ClusterView } from './cluster-view.ts';

/** The cluster workflow's etcd snapshot updates: list the snapshots, and queue a restore. */
export function handleEtcdSnapshotUpdates(state: ClusterWorkflowState, view: ClusterView): void {
  setHandler(
    etcdSnapshotsUpdate,
    async () => {
      const desired = DesiredCluster.parse(state.desired);
      const listed = await calls.etcdSnapshotList({
        cluster: { namespace: state.namespace, name: state.name },
        store: desired.etcdBackup.store,
      });
      return { records: listed.records, location: listed.location };
    },
    {
      description: "List the cluster's stored etcd snapshots, newest last.",
      validator: () => {
        if (state.desired === undefined) throw new Error('the cluster has no spec yet, so its snapshot store is not known');
        const parsed = DesiredCluster.safeParse(state.desired);
        if (!parsed.success) throw new Error('the cluster spec is invalid, so its snapshot store is not known; fix the spec first');
      },
    },
  );
  // Set while a restore request resolves its snapshot, so a second request is refused at once.
  let resolving = false;
  setHandler(
    etcdRestoreUpdate,
    async (request) => {
      resolving = true;
      try {
        const desired = DesiredCluster.parse(state.desired);
        const cluster = { namespace: state.namespace, name: state.name };
        const listed = await calls.etcdSnapshotList({ cluster, store: desired.etcdBackup.store });
        const chosen = request.snapshot === undefined ? listed.records.at(-1) : listed.records.find((r) => r.id === request.snapshot);
        if (chosen === undefined) {
          const which = request.snapshot === undefined ? 'no snapshot is stored' : `no snapshot ${request.snapshot} is stored`;
          throw ApplicationFailure.create({
            type: ErrorType.EtcdSnapshotNotFound,
            message: `${which} in ${listed.location}; capstan etcd snapshots ${state.name} lists what there is`,
            nonRetryable: true,
          });
        }
        state.restore = { snapshot: chosen.id };
        const running = view.operation;
        const waitsFor = running && !view.blocked() ? running.summary : undefined;
        return { snapshot: chosen.id, ...(waitsFor ? { after: waitsFor } : {}) };
      } finally {
        resolving = false;
      }
    },
    {
      description:
        'Queue an etcd restore from a stored snapshot (`{ "snapshot": "<id>" }`, or the newest); it runs after the running operation, or replaces a blocked one.',
      validator: (request: EtcdRestoreRequest) => {
        const parsed = DesiredCluster.safeParse(state.desired);
        if (!parsed.success)
          throw new Error('the cluster spec is invalid or missing, so its snapshot store is not known; fix the spec first');
        if (state.deleting) throw new Error('the cluster is being deleted');
        if (state.released) throw new Error(`the cluster was moved to ${state.released.to}; restore it there`);
        if (!view.observed.bootstrapped) throw new Error('etcd of this cluster was never bootstrapped: there is nothing to restore');
        // A blocked restore (a bad snapshot, say) gives way to a new request, as a blocked operation gives way to a new spec.
        if (resolving || state.restore !== undefined || (view.operation?.kind === 'etcd-restore' && !view.blocked()))
          throw new Error('an etcd restore is already queued or running');
        if (request.snapshot !== undefined && !EtcdSnapshotRecord.shape.id.safeParse(request.snapshot).success)
          throw new Error(`"${request.snapshot}" is not a snapshot id (capstan etcd snapshots lists them)`);
      },
    },
  );
}
