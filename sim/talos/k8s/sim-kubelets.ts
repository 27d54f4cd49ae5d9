// The simulated kubelets (and the node-lifecycle controller's part): register a Node per joined
// machine, report Ready after a delay, keep nodeInfo versions current, mark Nodes whose machine
// is gone or down Unknown, and keep the not-ready / unreachable taints in step.
import type { V1Node, V1NodeCondition, V1Taint } from '@kubernetes/client-node';
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { hostnameOf } from '../core/state.ts';
import type { SimCluster } from '../core/state.ts';
import { servicesReady } from '../node/lifecycle.ts';
import { ignoring } from './kube-client.ts';
import type { KubeApis } from './kube-client.ts';

/** The kubelet of one machine of the cluster, as the simulator sees it. */
export interface KubeletView {
  readonly name: string;
  readonly vmid: number;
  readonly address: string;
  readonly controlPlane: boolean;
  readonly kubeletVersion: string;
  readonly talosVersion: string;
  /** The kubelet runs and reaches the API. */
  readonly up: boolean;
  /** When it reports Ready (after `nodeReady`). */
  readonly readyAt: number;
  readonly taintControlPlane: boolean;
}

/** Marks Nodes the simulator owns, so Nodes a test adds by hand are left alone. */
export const managedAnnotation = 'sim.capstan.dev/vmid';
// The node-lifecycle controller's taints (kube-apiserver's TaintNodesByCondition adds not-ready to new Nodes).
const unreachable: V1Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };
const notReady: V1Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const cpTaint: V1Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const defaultKubelet = 'v1.34.1';

/** Views of every configured machine of the cluster. */
export function kubeletViews(ctx: TalosContext, cluster: SimCluster): KubeletView[] {
  return [...ctx.nodes.values()]
    .filter((node) => node.config !== undefined && clusterOf(ctx, node) === cluster)
    .map((node) => ({
      name: hostnameOf(node),
      vmid: node.vmid,
      address: node.address,
      controlPlane: node.config?.machineType === 'controlplane',
      kubeletVersion: node.config?.kubernetesVersion ?? defaultKubelet,
      talosVersion: node.talosVersion,
      up: servicesReady(node),
      readyAt: (node.servicesReadyAt ?? 0) + ctx.ms('nodeReady') * ctx.faults.bootFactor(node.address),
      taintControlPlane: node.config?.machineType === 'controlplane' && !node.config.allowSchedulingOnControlPlanes,
    }));
}

function condition(type: string, status: string, reason: string, message: string, previous: V1NodeCondition | undefined): V1NodeCondition {
  const now = new Date();
  return {
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: previous?.status === status ? (previous.lastTransitionTime ?? now) : now,
  };
}

function desiredStatus(view: KubeletView | undefined, now: number): 'True' | 'False' | 'Unknown' {
  if (view?.up !== true) return 'Unknown';
  return now >= view.readyAt ? 'True' : 'False';
}

function conditions(ready: 'True' | 'False' | 'Unknown', previous: readonly V1NodeCondition[]): V1NodeCondition[] {
  const prev = (type: string) => previous.find((c) => c.type === type);
  const unknown = ready === 'Unknown';
  const pressure = (type: string, reason: string) =>
    condition(
      type,
      unknown ? 'Unknown' : 'False',
      unknown ? 'NodeStatusUnknown' : reason,
      unknown ? 'Kubelet stopped posting node status.' : '',
      prev(type),
    );
  const readyReason = {
    True: ['KubeletReady', 'kubelet is posting ready status'],
    False: ['KubeletNotReady', 'container runtime network not ready: NetworkReady=false'],
    Unknown: ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
  }[ready];
  return [
    pressure('MemoryPressure', 'KubeletHasSufficientMemory'),
    pressure('DiskPressure', 'KubeletHasNoDiskPressure'),
    pressure('PIDPressure', 'KubeletHasSufficientPID'),
    condition('Ready', ready, readyReason[0] ?? '', readyReason[1] ?? '', prev('Ready')),
  ];
}

function newNode(view: KubeletView, ready: 'True' | 'False' | 'Unknown'): V1Node {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': view.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
  };
  if (view.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
  const resources = { cpu: '2', memory: '4026532Ki', pods: '110', 'ephemeral-storage': '10Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: view.name, labels, annotations: { [managedAnnotation]: String(view.vmid) } },
    spec: { taints: view.taintControlPlane ? [cpTaint] : [] },
    status: {
      addresses: [
        { type: 'InternalIP', address: view.address },
        { type: 'Hostname', address: view.name },
      ],
      capacity: resources,
      allocatable: resources,
      conditions: conditions(ready, []),
      nodeInfo: nodeInfo(view),
    },
  };
}

function nodeInfo(view: KubeletView): NonNullable<NonNullable<V1Node['status']>['nodeInfo']> {
  return {
    architecture: 'amd64',
    bootID: `sim-${view.vmid}`,
    containerRuntimeVersion: 'containerd://2.1.4',
    kernelVersion: '6.12.48-talos',
    kubeProxyVersion: view.kubeletVersion,
    kubeletVersion: view.kubeletVersion,
    machineID: `sim-${view.vmid}`,
    operatingSystem: 'linux',
    osImage: `Talos (${view.talosVersion})`,
    systemUUID: `sim-${view.vmid}`,
  };
}

/** Registers, updates and marks Nodes; records readiness changes. */
export async function reconcileKubelets(ctx: TalosContext, apis: KubeApis, cluster: SimCluster): Promise<void> {
  const registered = (await apis.core.listNode()).items;
  let created = false;
  const views = kubeletViews(ctx, cluster);
  const now = Date.now();
  const record = (
    type: 'k8s.node-registered' | 'k8s.node-ready' | 'k8s.node-not-ready',
    view: KubeletView | undefined,
    name: string,
    detail: Record<string, string>,
  ) => {
    ctx.events.append({ type, cluster: cluster.name, hostname: name, ...(view ? { vmid: view.vmid, address: view.address } : {}), detail });
  };
  for (const view of views) {
    if (!view.up || registered.some((n) => n.metadata?.name === view.name)) continue;
    const ready = desiredStatus(view, now);
    await ignoring([409], () => apis.core.createNode({ body: newNode(view, ready) }));
    created = true;
    record('k8s.node-registered', view, view.name, { kubeletVersion: view.kubeletVersion });
    if (ready === 'True') record('k8s.node-ready', view, view.name, { kubeletVersion: view.kubeletVersion });
  }
  // Listed again: admission (TaintNodesByCondition) has just added the not-ready taint to new Nodes.
  const nodes = created ? (await apis.core.listNode()).items : registered;
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    if (node.metadata?.annotations?.[managedAnnotation] === undefined) continue;
    const view = views.find((v) => v.name === name);
    const ready = desiredStatus(view, now);
    const previous = node.status?.conditions ?? [];
    const wasReady = previous.find((c) => c.type === 'Ready')?.status;
    const taints = (node.spec?.taints ?? []).filter((t) => t.key !== unreachable.key && t.key !== notReady.key);
    if (ready === 'Unknown') taints.push(unreachable);
    if (ready === 'False') taints.push(notReady);
    let current = node;
    const taintKeys = (list: readonly V1Taint[]) => list.map((t) => `${t.key}:${t.effect}`).join(',');
    if (taintKeys(taints) !== taintKeys(node.spec?.taints ?? [])) {
      node.spec ??= {};
      node.spec.taints = taints;
      current = await apis.core.replaceNode({ name, body: node });
    }
    const info = view === undefined ? node.status?.nodeInfo : nodeInfo(view);
    const infoChanged = info?.kubeletVersion !== node.status?.nodeInfo?.kubeletVersion || info?.osImage !== node.status?.nodeInfo?.osImage;
    if (wasReady === ready && !infoChanged) continue;
    current.status ??= {};
    current.status.conditions = conditions(ready, previous);
    if (info !== undefined) current.status.nodeInfo = info;
    await apis.core.replaceNodeStatus({ name, body: current });
    if (ready === 'True' && wasReady !== 'True') record('k8s.node-ready', view, name, { kubeletVersion: info?.kubeletVersion ?? '' });
    if (ready !== 'True' && wasReady === 'True') record('k8s.node-not-ready', view, name, { status: ready });
  }
}
