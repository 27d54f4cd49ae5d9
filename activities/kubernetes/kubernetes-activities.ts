import type { CoreV1Api } from '@kubernetes/client-node';
import { setUnschedulable } from './cordon.ts';
import { drainNode, type DrainResult } from './drain-node.ts';
import { deleteNode } from './node-lifecycle.ts';
import { nodeVersions, waitForNodeReady, type NodeVersions, type WaitForNodeReadyInput } from './node-readiness.ts';
import type { SecretStore } from './secret-store.ts';
import { measureDrain, type DrainOutcome } from '../../runtime/metrics/drain-metrics.ts';
import { findNode, requireNodeName, workloadCoreApi, type WorkloadNodeInput } from './workload-cluster.ts';

export type { NodeSelector, WorkloadNodeInput } from './workload-cluster.ts';

/** What the workload-cluster activities are built from. */
export interface KubernetesActivityDeps {
  /** Holds each cluster's `<cluster>-kubeconfig` Secret. */
  readonly secrets: SecretStore;
  /** Pause between polls of waits and drain rounds (default 2 s; tests use less). */
  readonly pollMs?: number;
}

/** Drain a node within a timeout. */
export interface DrainNodeInput extends WorkloadNodeInput {
  /** How long PodDisruptionBudgets may hold the drain (default 600 s; CAPI's default is forever). */
  readonly timeoutSeconds?: number;
  /** A drain still held at the timeout: fail naming what holds it (Block, the default), or return and let the caller go on (Proceed). */
  readonly onTimeout?: 'Block' | 'Proceed';
}

/**
 * Node operations on a workload cluster, reached through its kubeconfig Secret: inputs name the
 * cluster and the node, never carry credentials.
 */
export function createKubernetesActivities(deps: KubernetesActivityDeps) {
  const pollMs = deps.pollMs ?? 2_000;
  // Reads the kubeconfig once, resolves the node's name, and runs `use` unless there is no node.
  const withNode = async <T>(input: WorkloadNodeInput, absent: T, use: (core: CoreV1Api, name: string) => Promise<T>): Promise<T> => {
    const core = await workloadCoreApi(deps.secrets, input.cluster);
    const name = await requireNodeName(core, input.node);
    return name === undefined ? absent : use(core, name);
  };
  return {
    /** Waits (heartbeating) until the node is registered and Ready; returns its versions. */
    kubernetesWaitForNodeReady: (input: WaitForNodeReadyInput): Promise<NodeVersions> => waitForNodeReady(deps.secrets, input, pollMs),
    /** Marks the node unschedulable; false when there is no such node. */
    kubernetesCordonNode: (input: WorkloadNodeInput): Promise<boolean> =>
      withNode(input, false, (core, name) => setUnschedulable(core, name, true)),
    /** Makes the node schedulable again; false when there is no such node. */
    kubernetesUncordonNode: (input: WorkloadNodeInput): Promise<boolean> =>
      withNode(input, false, (core, name) => setUnschedulable(core, name, false)),
    /** Cordons and drains the node through the Eviction API, honouring PodDisruptionBudgets up to a timeout. */
    kubernetesDrainNode: (input: DrainNodeInput): Promise<DrainResult> =>
      measureDrain(
        () =>
          withNode(input, { found: false, evicted: [], skipped: [] }, (core, name) =>
            drainNode(core, name, { timeoutSeconds: input.timeoutSeconds ?? 600, pollMs, proceedAtTimeout: input.onTimeout === 'Proceed' }),
          ),
        drainOutcome,
      ),
    /** Deletes the Node object; repeating it is harmless. */
    kubernetesDeleteNode: (input: WorkloadNodeInput): Promise<{ readonly deleted: boolean }> =>
      withNode(input, { deleted: false }, deleteNode),
    /** The node's kubelet version, OS image, kernel and runtime; undefined when it does not exist. */
    kubernetesNodeVersions: async (input: WorkloadNodeInput): Promise<NodeVersions | undefined> => {
      const node = await findNode(await workloadCoreApi(deps.secrets, input.cluster), input.node);
      return node ? nodeVersions(node) : undefined;
    },
  };
}

/** How a finished drain counts in capstan_drain_duration_seconds. */
function drainOutcome(result: DrainResult): DrainOutcome {
  if (!result.found) return 'node_absent';
  return result.leftAtTimeout === undefined ? 'drained' : 'proceeded';
}
