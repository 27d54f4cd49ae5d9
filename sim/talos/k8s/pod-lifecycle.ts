// What kubelets and the scheduler do to pods: bind unscheduled pods (spreading owners across
// nodes), start bound pods after a delay, mark pods on unreachable nodes not ready, and finish
// deleting pods that got a deletionTimestamp — only where a kubelet runs to confirm it.
import type { V1Node, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import type { TalosContext } from '../core/context.ts';
import type { SimCluster } from '../core/state.ts';
import { ignoring } from './kube-client.ts';
import type { KubeApis } from './kube-client.ts';
import { live, nodeReady, podReady, schedulable } from './selectors.ts';
import { managedAnnotation } from './kubelet-views.ts';
import type { KubeletView } from './kubelet-views.ts';

/** Memory the pod reconciler keeps between passes. */
export interface PodMemory {
  /** When each pod (by uid) was first seen bound to a node. */
  readonly boundSince: Map<string, number>;
  /** Pods whose deletion was already recorded. */
  readonly recorded: Set<string>;
}

const ownerUid = (pod: V1Pod): string | undefined => pod.metadata?.ownerReferences?.find((o) => o.controller === true)?.uid;

function pickNode(pod: V1Pod, nodes: readonly V1Node[], pods: readonly V1Pod[]): string | undefined {
  const uid = ownerUid(pod);
  const load = (name: string) => pods.filter((p) => live(p) && p.spec?.nodeName === name);
  const candidates = nodes
    .filter((node) => schedulable(pod, node))
    .map((node) => {
      const name = node.metadata?.name ?? '';
      const here = load(name);
      return { name, siblings: here.filter((p) => uid !== undefined && ownerUid(p) === uid).length, total: here.length };
    })
    .sort((a, b) => a.siblings - b.siblings || a.total - b.total || a.name.localeCompare(b.name));
  return candidates[0]?.name;
}

// A stable pod IP from the uid, inside the default pod CIDR.
function podIp(uid: string): string {
  const hex = uid.replace(/-/g, '');
  return `10.244.${parseInt(hex.slice(0, 2) || '0', 16)}.${2 + (parseInt(hex.slice(2, 4) || '0', 16) % 250)}`;
}

function withReadiness(pod: V1Pod, ready: boolean, hostIP: string): V1Pod {
  const now = new Date();
  const keep = (pod.status?.conditions ?? []).filter(
    (c) => !['PodScheduled', 'Initialized', 'ContainersReady', 'Ready', 'PodReadyToStartContainers'].includes(c.type),
  );
  const condition = (type: string, status: boolean): V1PodCondition => {
    const previous = pod.status?.conditions?.find((c) => c.type === type);
    const value = status ? 'True' : 'False';
    return { type, status: value, lastTransitionTime: previous?.status === value ? (previous.lastTransitionTime ?? now) : now };
  };
  const startedAt = pod.status?.startTime ?? now;
  pod.status = {
    phase: 'Running',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: pod.status?.podIP ?? podIp(pod.metadata?.uid ?? ''),
    startTime: startedAt,
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', true),
      condition('Ready', ready),
      condition('ContainersReady', ready),
      condition('PodScheduled', true),
      ...keep,
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      containerID: `containerd://${(pod.metadata?.uid ?? '').replace(/-/g, '')}`,
      ready,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    })),
  };
  return pod;
}

/** One pass over every pod. */
export async function reconcilePods(
  ctx: TalosContext,
  apis: KubeApis,
  cluster: SimCluster,
  memory: PodMemory,
  views: readonly KubeletView[],
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
): Promise<void> {
  const now = Date.now();
  const kubeletUp = (nodeName: string): boolean => {
    const node = nodes.find((n) => n.metadata?.name === nodeName);
    if (node?.metadata?.annotations?.[managedAnnotation] === undefined) return node !== undefined && nodeReady(node);
    return views.some((v) => v.name === nodeName && v.up);
  };
  const present = new Set(pods.map((p) => p.metadata?.uid));
  for (const uid of memory.boundSince.keys()) if (!present.has(uid)) memory.boundSince.delete(uid);
  for (const uid of memory.recorded) if (!present.has(uid)) memory.recorded.delete(uid);
  for (const pod of pods) {
    const meta = pod.metadata ?? {};
    const name = meta.name ?? '';
    const namespace = meta.namespace ?? 'default';
    const uid = meta.uid ?? '';
    const nodeName = pod.spec?.nodeName;
    if (!live(pod)) {
      if (!memory.recorded.has(uid)) {
        memory.recorded.add(uid);
        const evicted = pod.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.reason === 'EvictionByEvictionAPI') === true;
        ctx.events.append({
          type: evicted ? 'pod.evicted' : 'pod.deleted',
          cluster: cluster.name,
          ...(nodeName ? { hostname: nodeName } : {}),
          detail: { namespace, pod: name },
        });
      }
      if (nodeName === undefined || kubeletUp(nodeName)) {
        await ignoring([404, 409], () =>
          apis.core.deleteNamespacedPod({
            name,
            namespace,
            gracePeriodSeconds: 0,
            body: { gracePeriodSeconds: 0, preconditions: { uid } },
          }),
        );
      }
      continue;
    }
    if (nodeName !== undefined && !nodes.some((n) => n.metadata?.name === nodeName)) {
      // The pod garbage collector removes pods bound to Nodes that no longer exist.
      await ignoring([404, 409], () =>
        apis.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0, preconditions: { uid } } }),
      );
      continue;
    }
    if (nodeName === undefined) {
      const target = pickNode(pod, nodes, pods);
      if (target !== undefined) {
        await ignoring([404, 409], () =>
          apis.core.createNamespacedPodBinding({
            name,
            namespace,
            body: { metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: target } },
          }),
        );
      }
      continue;
    }
    if (!memory.boundSince.has(uid)) memory.boundSince.set(uid, now);
    const up = kubeletUp(nodeName);
    const node = nodes.find((n) => n.metadata?.name === nodeName);
    const hostIP = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    const started = pod.status?.phase === 'Running';
    const due = now - (memory.boundSince.get(uid) ?? now) >= ctx.ms('podStart');
    // A silent kubelet's pods keep what it last posted until the node lifecycle controller finds
    // the Node not Ready and marks them NotReady (MarkPodsNotReady).
    const ready = up || (node !== undefined && nodeReady(node) && podReady(pod));
    if ((!started && up && due) || (started && podReady(pod) !== ready)) {
      await ignoring([404, 409], () => apis.core.replaceNamespacedPodStatus({ name, namespace, body: withReadiness(pod, ready, hostIP) }));
    }
  }
}
