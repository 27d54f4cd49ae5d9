import { setHandler } from '@temporalio/workflow';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { etcdSnapshotsUpdate } from '../../api/etcd-messages.ts';
import { calls } from '../activity-profiles.ts';

/** The cluster workflow's etcd snapshot updates: list (restore comes through here too). */
export function handleEtcdSnapshotUpdates(state: ClusterWorkflowState): void {
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
      validator: () => {
        if (state.desired === undefined) throw new Error('the cluster has no spec yet, so its snapshot store is not known');
        const parsed = DesiredCluster.safeParse(state.desired);
        if (!parsed.success) throw new Error('the cluster spec is invalid, so its snapshot store is not known; fix the spec first');
      },
    },
  );
}
