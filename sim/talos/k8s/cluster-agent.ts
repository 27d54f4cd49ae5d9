// The kwok-style loop for one simulated cluster: while its Kubernetes API is available, act as
// every kubelet, the scheduler, the ReplicaSet/DaemonSet controllers and the disruption
// controller, each pass level-triggered from what the API lists.
import type { TalosContext } from '../core/context.ts';
import type { SimCluster } from '../core/state.ts';
import type { ClusterScope } from './cluster-scope.ts';
import { httpStatusOf } from './kube-client.ts';
import type { KubeApis } from './kube-client.ts';
import { reconcilePdbs } from './pdb-controller.ts';
import { reconcilePods } from './pod-lifecycle.ts';
import type { PodMemory } from './pod-lifecycle.ts';
import { reconcilePodOwners } from './pod-owners.ts';
import { kubeletViews } from './kubelet-views.ts';
import { newKubeletMemory, reconcileKubelets, recordNodeEvent } from './sim-kubelets.ts';
import { ensureWorkload } from './workloads.ts';
import type { Workload, WorkloadOptions } from './workloads.ts';

/** A running agent. */
export interface ClusterAgent {
  /** Runs one pass now (tests and callers that want quick reactions). */
  poke(): void;
  /** `kubectl delete node <name>`, recorded as `k8s.node-deleted`; rejects like kubectl when it cannot. */
  deleteNode(name: string): Promise<void>;
  stop(): Promise<void>;
  /** Stops, then removes what its scope says a cluster that is gone leaves behind. */
  retire(): Promise<void>;
}

/** Starts the loop; it idles while the cluster's API is unavailable. It acts only on objects of its `scope`. */
export function startClusterAgent(
  ctx: TalosContext,
  cluster: SimCluster,
  apis: KubeApis,
  scope: ClusterScope,
  workloadOptions: WorkloadOptions,
): ClusterAgent {
  const state = { stopped: false };
  // Read through functions: both change while a pass awaits the API.
  const halted = (): boolean => state.stopped;
  const available = (): boolean => cluster.apiAvailable && !ctx.stopped() && !state.stopped;
  let wake: (() => void) | undefined;
  let workload: Workload | undefined;
  let lastError: string | undefined;
  const memory: PodMemory = { boundSince: new Map(), recorded: new Set() };
  const kubelets = newKubeletMemory();

  const pass = async (): Promise<void> => {
    workload ??= await ensureWorkload(apis, scope, workloadOptions);
    const views = kubeletViews(ctx, cluster);
    await reconcileKubelets(ctx, apis, cluster, scope, kubelets);
    const nodes = await scope.nodes(apis);
    const pods = await scope.pods(apis, nodes);
    await reconcilePodOwners(apis, ctx.random, workload, views, nodes, pods);
    await reconcilePods(ctx, apis, cluster, memory, views, nodes, pods);
    await reconcilePdbs(apis, scope, await scope.pods(apis, nodes), ctx.ms('disruptedPodTimeout'));
  };

  const loop = async (): Promise<void> => {
    while (!state.stopped) {
      if (available()) {
        try {
          await pass();
          lastError = undefined;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          // A pass cut off by a quorum loss is expected; anything else is worth one warning.
          if (message !== lastError && available()) {
            ctx.events.append({ type: 'sim.warning', cluster: cluster.name, detail: { message: `kubernetes agent: ${message}` } });
          }
          lastError = message;
        }
      }
      if (halted()) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(50, ctx.ms('controllerInterval')));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };
  const running = loop();

  const deleteNode = async (name: string): Promise<void> => {
    if (!available()) throw new Error(`the Kubernetes API of cluster ${cluster.name} at ${cluster.endpoint} does not answer`);
    try {
      const node = await apis.core.readNode({ name });
      const uid = node.metadata?.uid ?? '';
      await apis.core.deleteNode({ name, body: { preconditions: { uid } } });
      // Recorded here, once: the next pass sees this uid gone and knows it was already told.
      kubelets.deleted.add(uid);
      kubelets.known.delete(name);
      kubelets.lastPosted.delete(name);
      const view = kubeletViews(ctx, cluster).find((v) => v.name === name);
      recordNodeEvent(ctx, cluster, 'k8s.node-deleted', name, view, { by: 'fault' });
      wake?.();
    } catch (error) {
      if (httpStatusOf(error) === 404) throw new Error(`nodes "${name}" not found`, { cause: error });
      throw error;
    }
  };

  const stop = async (): Promise<void> => {
    state.stopped = true;
    wake?.();
    await running;
  };
  return {
    deleteNode,
    poke: () => wake?.(),
    stop,
    retire: async () => {
      await stop();
      await scope.retire(apis).catch((error: unknown) => {
        const message = `kubernetes agent: the retired cluster's objects stay: ${error instanceof Error ? error.message : String(error)}`;
        ctx.events.append({ type: 'sim.warning', cluster: cluster.name, detail: { message } });
      });
    },
  };
}
