// What a Node's status says and which taints it carries: the kubelet posts its conditions; when
// it falls silent for the node-monitor grace period the node lifecycle controller sets every
// condition Unknown; taints follow Ready the way that controller keeps them (NoSchedule from
// the condition, NoExecute for taint-based eviction).
import type { V1NodeCondition, V1Taint } from '@kubernetes/client-node';

/** Where a Node's Ready condition stands, and who wrote it. */
export type NodeHealth =
  /** The kubelet posts Ready. */
  | 'ready'
  /** The kubelet posts, but the node is not Ready yet (CNI, runtime starting). */
  | 'starting'
  /** The kubelet's graceful node shutdown posted NotReady before it stopped. */
  | 'shutting-down'
  /** The kubelet stopped posting: the node lifecycle controller marked every condition Unknown. */
  | 'unknown';

/** The Ready condition's status for a health. */
export function readyStatusOf(health: NodeHealth): 'True' | 'False' | 'Unknown' {
  return health === 'ready' ? 'True' : health === 'unknown' ? 'Unknown' : 'False';
}

/** Whether a Node's Ready condition already says what this health says. */
export function readySays(health: NodeHealth, ready: V1NodeCondition | undefined): boolean {
  return ready?.status === readyStatusOf(health) && ready.message === readyReasons[health][1];
}

const readyReasons: Record<NodeHealth, readonly [string, string]> = {
  ready: ['KubeletReady', 'kubelet is posting ready status'],
  starting: ['KubeletNotReady', 'container runtime network not ready: NetworkReady=false'],
  // nodeshutdown manager: ShutdownStatus() → "node is shutting down", folded into Ready by the kubelet.
  'shutting-down': ['KubeletNotReady', 'node is shutting down'],
  unknown: ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
};

const pressures = [
  ['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
] as const;

/** The conditions a Node has at this health; transition times carry over while a status holds. */
export function nodeConditions(health: NodeHealth, previous: readonly V1NodeCondition[]): V1NodeCondition[] {
  const now = new Date();
  const unknown = health === 'unknown';
  const condition = (type: string, status: string, reason: string, message: string): V1NodeCondition => {
    const before = previous.find((c) => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      // The controller does not heartbeat for the kubelet: the last heartbeat stays the kubelet's.
      lastHeartbeatTime: unknown ? (before?.lastHeartbeatTime ?? now) : now,
      lastTransitionTime: before?.status === status ? (before.lastTransitionTime ?? now) : now,
    };
  };
  const [readyReason, readyMessage] = readyReasons[health];
  return [
    ...pressures.map(([type, reason, message]) =>
      unknown ? condition(type, 'Unknown', 'NodeStatusUnknown', readyMessage) : condition(type, 'False', reason, message),
    ),
    condition('Ready', readyStatusOf(health), readyReason, readyMessage),
  ];
}

const lifecycleKeys = new Set(['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready']);

/** The Node's taints with the lifecycle controller's ones set for this health (others kept as they are). */
export function lifecycleTaints(health: NodeHealth, current: readonly V1Taint[]): V1Taint[] {
  const kept = current.filter((t) => !lifecycleKeys.has(t.key));
  if (health === 'ready') return kept;
  const key = health === 'unknown' ? 'node.kubernetes.io/unreachable' : 'node.kubernetes.io/not-ready';
  const noExecute = current.find((t) => t.key === key && t.effect === 'NoExecute');
  return [...kept, { key, effect: 'NoSchedule' }, { key, effect: 'NoExecute', timeAdded: noExecute?.timeAdded ?? new Date() }];
}

/** Whether two taint lists differ in what they say (key, value, effect). */
export function taintsDiffer(a: readonly V1Taint[], b: readonly V1Taint[]): boolean {
  const text = (list: readonly V1Taint[]) => list.map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).join(',');
  return text(a) !== text(b);
}
