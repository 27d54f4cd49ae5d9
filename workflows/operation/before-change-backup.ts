import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { EtcdBackupInput } from '../../activities/etcd-backup/backup-etcd.ts';
import { clusterRef, operationLabel } from './operation-scope.ts';

/** The snapshot an operation takes before it changes the control plane: to the cluster's store, under its retention. */
export function beforeChangeBackup(desired: DesiredCluster, address: string): EtcdBackupInput {
  const policy = desired.etcdBackup;
  return {
    cluster: clusterRef(desired),
    address,
    label: operationLabel(),
    reason: 'before-change',
    store: policy.store,
    retention: { keepLast: policy.keepLast, maxAgeSeconds: policy.maxAgeSeconds },
  };
}
