// The steps of an etcd restore, Talos' documented way: wipe etcd's data on every control plane,
// upload the snapshot to one, bootstrap etcd from it there, let the others rejoin, and wait until
// the control plane is Ready. Pure: the observed cluster and the request come in.
import type { ClusterPlan } from '../api/cluster-plan.ts';
import type { ObservedCluster } from '../api/observed-cluster.ts';

/** The step names the restore workflow runs, in order, so progress shows "step i of n" from the start. */
export const restoreStep = {
  check: (snapshot: string) => `check snapshot ${snapshot}`,
  wipe: (machine: string) => `stop etcd and wipe its data on ${machine}`,
  upload: (machine: string) => `upload the snapshot to ${machine}`,
  bootstrap: (machine: string) => `bootstrap etcd from the snapshot on ${machine}`,
  rejoin: (machine: string) => `wait for ${machine} to rejoin etcd`,
  ready: 'wait until every control-plane node is Ready',
} as const;

/** The restore of `cluster` onto its live control planes (the first by name receives the snapshot), or why it cannot run. */
export function planEtcdRestore(observed: ObservedCluster, cluster: string, snapshot: string): ClusterPlan {
  const controlPlanes = observed.machines
    .filter((m) => m.role === 'control-plane' && m.phase !== 'Deleting' && m.address !== undefined)
    .map((m) => m.name)
    .sort();
  const [first, ...others] = controlPlanes;
  if (!observed.bootstrapped) {
    return { ok: false, operation: 'etcd-restore', reason: 'etcd was never bootstrapped: there is nothing to restore' };
  }
  if (first === undefined) {
    return { ok: false, operation: 'etcd-restore', reason: 'no control-plane machine with an address is left to restore etcd onto' };
  }
  const steps = [
    restoreStep.check(snapshot),
    ...controlPlanes.map(restoreStep.wipe),
    restoreStep.upload(first),
    restoreStep.bootstrap(first),
    ...others.map(restoreStep.rejoin),
    restoreStep.ready,
  ];
  return {
    ok: true,
    operation: 'etcd-restore',
    snapshot,
    controlPlanes,
    summary: `restore etcd of ${cluster} from snapshot ${snapshot} onto ${controlPlanes.join(', ')}`,
    steps,
  };
}
