// The simulated kubelets (and the node lifecycle controller's part): a kubelet registers its
// Node once per run (spec.providerID only then, as initialNode does) and posts Ready after a
// delay; a Node whose kubelet falls silent goes Unknown after the node-monitor grace period;
// taints follow. Nodes deleted through the API are noticed and recorded; their kubelets do not
// register again before they restart (kubelet_node_status.go: registrationCompleted).
import type { V1Node } from '@kubernetes/client-node';
import type { TalosContext } from '../core/context.ts';
import type { SimCluster } from '../core/state.ts';
import type { ClusterScope } from './cluster-scope.ts';
import { httpStatusOf } from './kube-client.ts';
import type { KubeApis } from './kube-client.ts';
import { kubeletViews, managedAnnotation, nodeInfo } from './kubelet-views.ts';
import type { KubeletView } from './kubelet-views.ts';
import { lifecycleTaints, nodeConditions, readySays, readyStatusOf, taintsDiffer } from './node-conditions.ts';
import type { NodeHealth } from './node-conditions.ts';

/** What the kubelets' side keeps between passes (one per cluster agent). */
export interface KubeletMemory {
  /** When each Node's kubelet was last seen posting: the lifecycle controller's probe time. */
  readonly lastPosted: Map<string, number>;
  /** Managed Nodes (name → uid) on the last pass, to notice deletions. */
  readonly known: Map<string, string>;
  /** uids of Node deletions already recorded. */
  readonly deleted: Set<string>;
  /** Names another cluster's Node already holds on a shared apiserver (warned once). */
  readonly taken: Set<string>;
}

/** An empty memory. */
export const newKubeletMemory = (): KubeletMemory => ({ lastPosted: new Map(), known: new Map(), deleted: new Set(), taken: new Set() });

const cpTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function newNode(view: KubeletView, health: NodeHealth, scoped: Readonly<Record<string, string>>): V1Node {
  const labels: Record<string, string> = {
    ...scoped,
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
    spec: { taints: view.taintControlPlane ? [cpTaint] : [], ...(view.providerId === undefined ? {} : { providerID: view.providerId }) },
    status: {
      addresses: [
        { type: 'InternalIP', address: view.address },
        { type: 'Hostname', address: view.name },
      ],
      capacity: resources,
      allocatable: resources,
      conditions: nodeConditions(health, []),
      nodeInfo: nodeInfo(view),
    },
  };
}

const postedHealth = (view: KubeletView, now: number): NodeHealth => (now >= view.readyAt ? 'ready' : 'starting');

/** What the Node should say now, or undefined to leave it as the kubelet last posted it. */
function healthOf(
  ctx: TalosContext,
  memory: KubeletMemory,
  name: string,
  view: KubeletView | undefined,
  now: number,
): NodeHealth | undefined {
  if (view?.up === true) {
    memory.lastPosted.set(name, now);
    return postedHealth(view, now);
  }
  // The grace period runs from the kubelet's last heartbeat; for a machine that is gone, from the
  // last pass that saw it post, or when the controller first saw the Node (nodeHealthMap's probe timestamp).
  const last = view?.silentSince ?? memory.lastPosted.get(name) ?? now;
  memory.lastPosted.set(name, last);
  if (now - last >= ctx.ms('nodeMonitorGracePeriod')) return 'unknown';
  return view?.shuttingDown === true ? 'shutting-down' : undefined;
}

type NodeEventType = 'k8s.node-registered' | 'k8s.node-ready' | 'k8s.node-not-ready' | 'k8s.node-deleted';

/** Records a Node event of the cluster. */
export function recordNodeEvent(
  ctx: TalosContext,
  cluster: SimCluster,
  type: NodeEventType,
  name: string,
  view: Pick<KubeletView, 'vmid' | 'address'> | undefined,
  detail: Record<string, string>,
): void {
  ctx.events.append({ type, cluster: cluster.name, hostname: name, ...(view ? { vmid: view.vmid, address: view.address } : {}), detail });
}

// On a shared apiserver a Node name another cluster holds is a conflict the kubelet cannot see past:
// it would find "its" Node and post to a stranger's. Light mode needs hostnames unique across clusters.
async function createOwnNode(
  ctx: TalosContext,
  apis: KubeApis,
  cluster: SimCluster,
  scope: ClusterScope,
  memory: KubeletMemory,
  node: V1Node,
) {
  try {
    await apis.core.createNode({ body: node });
    memory.taken.delete(node.metadata?.name ?? '');
    return true;
  } catch (error) {
    if (httpStatusOf(error) !== 409) throw error;
    const name = node.metadata?.name ?? '';
    if (!scope.shared || memory.taken.has(name)) return false;
    memory.taken.add(name);
    const message = `Node ${name} already exists on the kube-apiserver the simulated clusters share, for another cluster: its kubelet cannot register (give machines hostnames unique across clusters)`;
    ctx.events.append({ type: 'sim.warning', cluster: cluster.name, hostname: name, detail: { message } });
    return false;
  }
}

async function register(
  ctx: TalosContext,
  apis: KubeApis,
  cluster: SimCluster,
  scope: ClusterScope,
  memory: KubeletMemory,
  views: readonly KubeletView[],
  nodes: readonly V1Node[],
) {
  let created = false;
  const now = Date.now();
  for (const view of views) {
    if (!view.up || view.registered) continue;
    if (!nodes.some((n) => n.metadata?.name === view.name)) {
      const health = postedHealth(view, now);
      const made = await createOwnNode(ctx, apis, cluster, scope, memory, newNode(view, health, scope.labels));
      // On its own apiserver a conflict is a race with itself: the Node is there either way.
      if (!made && scope.shared) continue;
      created = true;
      const detail = { kubeletVersion: view.kubeletVersion, ...(view.providerId === undefined ? {} : { providerID: view.providerId }) };
      recordNodeEvent(ctx, cluster, 'k8s.node-registered', view.name, view, detail);
      if (health === 'ready') recordNodeEvent(ctx, cluster, 'k8s.node-ready', view.name, view, { kubeletVersion: view.kubeletVersion });
    }
    // "Node was previously registered" counts too: either way this run is done registering.
    const node = ctx.nodes.get(view.vmid);
    if (node !== undefined) node.kubeletRegisteredEpoch = node.epoch;
  }
  return created;
}

// A Node update that lost a race (deleted or changed meanwhile) is settled on the next pass.
async function unlessRaced(call: () => Promise<V1Node>): Promise<V1Node | undefined> {
  try {
    return await call();
  } catch (error) {
    const code = httpStatusOf(error);
    if (code === 404 || code === 409) return undefined;
    throw error;
  }
}

/** Records the managed Nodes that disappeared since the last pass (kubectl delete node, a controller). */
function noticeDeletions(
  ctx: TalosContext,
  cluster: SimCluster,
  memory: KubeletMemory,
  views: readonly KubeletView[],
  nodes: readonly V1Node[],
) {
  const uids = new Set(nodes.map((n) => n.metadata?.uid));
  for (const [name, uid] of memory.known) {
    if (uids.has(uid)) continue;
    memory.known.delete(name);
    memory.lastPosted.delete(name);
    if (memory.deleted.has(uid)) continue;
    memory.deleted.add(uid);
    recordNodeEvent(
      ctx,
      cluster,
      'k8s.node-deleted',
      name,
      views.find((v) => v.name === name),
      { by: 'api' },
    );
  }
}

/** Registers, updates and marks Nodes; records registrations, deletions and readiness changes. */
export async function reconcileKubelets(
  ctx: TalosContext,
  apis: KubeApis,
  cluster: SimCluster,
  scope: ClusterScope,
  memory: KubeletMemory,
): Promise<void> {
  const listed = await scope.nodes(apis);
  const views = kubeletViews(ctx, cluster);
  noticeDeletions(ctx, cluster, memory, views, listed);
  // Listed again after creating: admission (TaintNodesByCondition) has just added the not-ready taint to new Nodes.
  const nodes = (await register(ctx, apis, cluster, scope, memory, views, listed)) ? await scope.nodes(apis) : listed;
  const now = Date.now();
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const uid = node.metadata?.uid ?? '';
    if (node.metadata?.annotations?.[managedAnnotation] === undefined || memory.deleted.has(uid)) continue;
    memory.known.set(name, uid);
    const view = views.find((v) => v.name === name);
    const health = healthOf(ctx, memory, name, view, now);
    const previous = node.status?.conditions ?? [];
    const wasReady = previous.find((c) => c.type === 'Ready');
    let current: V1Node | undefined = node;
    const taints = health === undefined ? undefined : lifecycleTaints(health, node.spec?.taints ?? []);
    if (taints !== undefined && taintsDiffer(taints, node.spec?.taints ?? [])) {
      node.spec ??= {};
      node.spec.taints = taints;
      current = await unlessRaced(() => apis.core.replaceNode({ name, body: node }));
      if (current === undefined) continue;
    }
    const info = view?.up === true ? nodeInfo(view) : undefined;
    const was = node.status?.nodeInfo;
    const infoChanged =
      info !== undefined &&
      (info.kubeletVersion !== was?.kubeletVersion ||
        info.osImage !== was.osImage ||
        info.bootID !== was.bootID ||
        info.systemUUID !== was.systemUUID);
    const conditionChanged = health !== undefined && !readySays(health, wasReady);
    if (!conditionChanged && !infoChanged) continue;
    const body = current;
    body.status ??= {};
    if (health !== undefined) body.status.conditions = nodeConditions(health, previous);
    if (info !== undefined) body.status.nodeInfo = info;
    if ((await unlessRaced(() => apis.core.replaceNodeStatus({ name, body }))) === undefined) continue;
    const ready = health === undefined ? undefined : readyStatusOf(health);
    if (ready === 'True' && wasReady?.status !== 'True')
      recordNodeEvent(ctx, cluster, 'k8s.node-ready', name, view, { kubeletVersion: info?.kubeletVersion ?? '' });
    if (ready !== undefined && ready !== 'True' && wasReady?.status === 'True')
      recordNodeEvent(ctx, cluster, 'k8s.node-not-ready', name, view, { status: ready });
  }
}
