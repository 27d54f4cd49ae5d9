// The append-only record of every Talos-side state change. The invariant checker reads it
// ("etcd quorum never lost", "never two etcd clusters"), so entries are never edited.
import { createEventStore } from '../../common/event-store.ts';

/** Every kind of event the Talos simulator records. */
export const TalosEventType = {
  nodeMaintenance: 'node.maintenance',
  nodeConfigured: 'node.configured',
  nodeUp: 'node.up',
  nodeDown: 'node.down',
  etcdBootstrapped: 'etcd.bootstrapped',
  etcdSplitBrain: 'etcd.split-brain',
  etcdMemberAdded: 'etcd.member-added',
  etcdJoinRefused: 'etcd.join-refused',
  etcdMemberPromoted: 'etcd.member-promoted',
  etcdMemberRemoved: 'etcd.member-removed',
  etcdMemberLeft: 'etcd.member-left',
  etcdLeaderChanged: 'etcd.leader-changed',
  etcdQuorumLost: 'etcd.quorum-lost',
  etcdQuorumRestored: 'etcd.quorum-restored',
  etcdDataLost: 'etcd.data-lost',
  etcdDataDestroyed: 'etcd.data-destroyed',
  etcdSnapshotUploaded: 'etcd.snapshot-uploaded',
  etcdRecoveryStarted: 'etcd.recovery-started',
  etcdRecovered: 'etcd.recovered',
  etcdRecoveryFailed: 'etcd.recovery-failed',
  sharedIpAcquired: 'vip.acquired',
  sharedIpReleased: 'vip.released',
  k8sApiUp: 'k8s.api-up',
  k8sApiDown: 'k8s.api-down',
  k8sNodeRegistered: 'k8s.node-registered',
  k8sNodeReady: 'k8s.node-ready',
  k8sNodeNotReady: 'k8s.node-not-ready',
  k8sNodeDeleted: 'k8s.node-deleted',
  k8sKubeletStopped: 'k8s.kubelet-stopped',
  k8sKubeletStarted: 'k8s.kubelet-started',
  podEvicted: 'pod.evicted',
  podDeleted: 'pod.deleted',
  upgradeStarted: 'upgrade.started',
  upgradeFinished: 'upgrade.finished',
  upgradeRolledBack: 'upgrade.rolled-back',
  upgradeFailed: 'upgrade.failed',
  faultInjected: 'fault.injected',
  simWarning: 'sim.warning',
} as const;
/** One of {@link TalosEventType}. */
export type TalosEventType = (typeof TalosEventType)[keyof typeof TalosEventType];

/** A JSON value in an event's detail. */
export type EventDetailValue =
  string | number | boolean | null | readonly EventDetailValue[] | { readonly [key: string]: EventDetailValue };

/** One recorded state change. */
export interface TalosSimEvent {
  /** 1-based sequence number. */
  readonly seq: number;
  /** ISO timestamp. */
  readonly at: string;
  readonly type: TalosEventType;
  readonly vmid?: number;
  /** The node's address (127.x.y.z). */
  readonly address?: string;
  readonly hostname?: string;
  /** The Talos cluster's name (cluster.clusterName). */
  readonly cluster?: string;
  readonly detail?: Readonly<Record<string, EventDetailValue>>;
}

/** What a caller records; seq and time are added by the log. */
export type NewTalosEvent = Omit<TalosSimEvent, 'seq' | 'at'>;

/** Read access to the event log. */
export interface TalosEventLog {
  /** Events so far, optionally only of some types. */
  list(filter?: { readonly type?: TalosEventType | readonly TalosEventType[]; readonly cluster?: string }): TalosSimEvent[];
  /** Calls `listener` for every new event; returns the unsubscribe function. */
  subscribe(listener: (event: TalosSimEvent) => void): () => void;
}

/** The log plus its write side, used inside the simulator. */
export interface TalosEventLogWriter extends TalosEventLog {
  append(event: NewTalosEvent): TalosSimEvent;
}

/** An empty event log; with `file`, every event is also appended to it as one JSON line. */
export function createTalosEventLog(file?: string): TalosEventLogWriter {
  const store = createEventStore<TalosSimEvent>('talos sim', file, []);
  const events = store.events;
  return {
    list: (filter) => {
      const types = filter?.type === undefined ? undefined : ([] as TalosEventType[]).concat(filter.type);
      return events.filter(
        (e) => (types === undefined || types.includes(e.type)) && (filter?.cluster === undefined || e.cluster === filter.cluster),
      );
    },
    subscribe: store.subscribe,
    append: store.append,
  };
}
