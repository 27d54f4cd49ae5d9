import { ActivityFailure, condition } from '@temporalio/workflow';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import type { EtcdBackupCheck, EtcdBackupPolicy } from '../../api/etcd-snapshots.ts';
import { calls, waits } from '../activity-profiles.ts';
import type { ClusterView } from './cluster-view.ts';
import type { RenewalLoop } from './keep-credentials-fresh.ts';

/** A failed snapshot or listing is tried again after this long (or the interval, if shorter). */
const retryFailedMs = 15 * 60_000;

/**
 * Snapshots etcd on the cluster's schedule, beside the main loop. The schedule is observed, not
 * remembered: each time it wakes it lists the store, and the newest snapshot there — whoever took
 * it, a schedule, an upgrade before its change, or a person — decides when the next one is due.
 * It snapshots only a bootstrapped cluster with a control plane that is a Ready etcd member, and
 * waits while an operation runs (control-plane changes take their own snapshot first) unless that
 * operation is blocked. It ends when the cluster is being deleted or the run continues as new.
 */
export async function keepEtcdBackedUp(state: ClusterWorkflowState, view: ClusterView, loop: RenewalLoop): Promise<void> {
  const cluster = { namespace: state.namespace, name: state.name };
  const ending = (): boolean => loop.stopping || state.deleting;
  const quiet = (): boolean => view.operation === undefined || view.blocked();
  // Parsed once per spec received: predicates run after every activation.
  let parsedFrom: unknown;
  let parsedPolicy: EtcdBackupPolicy | undefined;
  const policy = (): EtcdBackupPolicy | undefined => {
    if (state.desired !== parsedFrom) {
      parsedFrom = state.desired;
      const parsed = DesiredCluster.safeParse(state.desired);
      parsedPolicy = parsed.success ? parsed.data.etcdBackup : undefined;
    }
    return parsedPolicy;
  };
  const policyText = (): string => JSON.stringify(policy() ?? null);
  const record = (check: EtcdBackupCheck): void => {
    state.etcdBackup = check;
    view.publish();
  };
  for (;;) {
    if (ending()) return;
    const seen = policyText();
    const current = policy();
    if (!current || current.intervalSeconds === 0 || !view.observed.bootstrapped) {
      // Nothing to schedule: wait for a spec that asks for it, the bootstrap, or the end.
      const bootstrapped = view.observed.bootstrapped;
      await condition(() => ending() || policyText() !== seen || view.observed.bootstrapped !== bootstrapped);
      continue;
    }
    const intervalMs = current.intervalSeconds * 1000;
    let last = state.etcdBackup?.last;
    try {
      const listed = await calls.etcdSnapshotList({ cluster, store: current.store });
      last = listed.records.at(-1);
      const dueMs = last ? Date.parse(last.takenAt) + intervalMs : Date.now();
      if (dueMs > Date.now()) {
        record({
          ...(last ? { last } : {}),
          location: listed.location,
          nextAt: new Date(dueMs).toISOString(),
          intervalSeconds: current.intervalSeconds,
        });
        await condition(() => ending() || policyText() !== seen, dueMs - Date.now());
        continue;
      }
      await condition(() => ending() || quiet());
      if (ending()) return;
      const address = healthyControlPlane(view);
      if (address === undefined) {
        throw new NoHealthyMember('no control plane is a Ready etcd member, so no snapshot can be streamed now');
      }
      loop.busy = true;
      try {
        const taken = await waits.talosBackupEtcd({
          cluster,
          address,
          label: 'schedule',
          reason: 'scheduled',
          store: current.store,
          retention: { keepLast: current.keepLast, maxAgeSeconds: current.maxAgeSeconds },
        });
        record({
          last: taken.record,
          location: taken.location,
          nextAt: new Date(Date.now() + intervalMs).toISOString(),
          intervalSeconds: current.intervalSeconds,
        });
      } finally {
        loop.busy = false;
      }
      // The snapshot just stored is the newest: no listing until the next one is due.
      await condition(() => ending() || policyText() !== seen, intervalMs);
    } catch (error) {
      if (!(error instanceof ActivityFailure) && !(error instanceof NoHealthyMember)) throw error;
      const why = error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : error.message;
      const retryMs = Math.min(retryFailedMs, intervalMs);
      record({
        ...(last ? { last } : {}),
        ...(state.etcdBackup?.location ? { location: state.etcdBackup.location } : {}),
        problem: `the scheduled etcd snapshot failed: ${why}`,
        intervalSeconds: current.intervalSeconds,
        nextAt: new Date(Date.now() + retryMs).toISOString(),
      });
      await condition(() => ending() || policyText() !== seen, retryMs);
    }
  }
}

class NoHealthyMember extends Error {}

/** A control plane that is Running, Ready and an etcd member: its snapshot is current. */
function healthyControlPlane(view: ClusterView): string | undefined {
  return view.observed.machines.find(
    (m) => m.role === 'control-plane' && m.phase === 'Running' && m.ready && m.etcdMember !== false && m.address,
  )?.address;
}
