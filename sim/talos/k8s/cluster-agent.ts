// The kwok-style loop for one simulated cluster: while its Kubernetes API is available, act as
// every kubelet, the scheduler, the ReplicaSet/DaemonSet controllers and the disruption
// controller, each pass level-triggered from what the API lists.
import type { TalosContext } from '../core/context.ts';
import type { SimCluster } from '../core/state.ts';
import type { KubeApis } from './kube-client.ts';
import { reconcilePdbs } from './pdb-controller.ts';
import { reconcilePods } from './pod-lifecycle.ts';
import type { PodMemory } from './pod-lifecycle.ts';
import { reconcilePodOwners } from './pod-owners.ts';
import { kubeletViews, reconcileKubelets } from './sim-kubelets.ts';
import { ensureWorkload } from './workloads.ts';
import type { Workload, WorkloadOptions } from './workloads.ts';

/** A running agent. */
export interface ClusterAgent {
  /** Runs one pass now (tests and callers that want quick reactions). */
  poke(): void;
  stop(): Promise<void>;
}

/** Starts the loop; it idles while the cluster's API is unavailable. */
export function startClusterAgent(ctx: TalosContext, cluster: SimCluster, apis: KubeApis, workloadOptions: WorkloadOptions): ClusterAgent {
  const state = { stopped: false };
  // Read through functions: both change while a pass awaits the API.
  const halted = (): boolean => state.stopped;
  const available = (): boolean => cluster.apiAvailable && !ctx.stopped() && !state.stopped;
  let wake: (() => void) | undefined;
  let workload: Workload | undefined;
  let lastError: string | undefined;
  const memory: PodMemory = { boundSince: new Map(), recorded: new Set() };

  const pass = async (): Promise<void> => {
    workload ??= await ensureWorkload(apis, workloadOptions);
    const views = kubeletViews(ctx, cluster);
    await reconcileKubelets(ctx, apis, cluster);
    const nodes = (await apis.core.listNode()).items;
    const pods = (await apis.core.listPodForAllNamespaces()).items;
    await reconcilePodOwners(apis, ctx.random, workload, views, nodes, pods);
    await reconcilePods(ctx, apis, cluster, memory, views, nodes, pods);
    await reconcilePdbs(apis, (await apis.core.listPodForAllNamespaces()).items, ctx.ms('disruptedPodTimeout'));
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

  return {
    poke: () => wake?.(),
    stop: async () => {
      state.stopped = true;
      wake?.();
      await running;
    },
  };
}
