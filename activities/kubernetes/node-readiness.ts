import { Context } from '@temporalio/activity';
import { pollBackoff } from '../poll-backoff.ts';
import type { V1Node } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import type { SecretStore } from './secret-store.ts';
import { describeNode, findNode, workloadCoreApi, type WorkloadNodeInput } from './workload-cluster.ts';

/** Wait for a node to be Ready. */
export interface WaitForNodeReadyInput extends WorkloadNodeInput {
  /** Give up after this long with a retryable NodeNotReady; default: until the activity times out. */
  readonly timeoutSeconds?: number;
  /** After a Kubernetes upgrade: Ready is not enough, the kubelet must report this version. */
  readonly kubeletVersion?: string;
  /** The control plane is still being built: a kubeconfig Secret that does not exist yet is waited for, not a failure. */
  readonly awaitKubeconfig?: boolean;
}

/** What a node runs, as its kubelet reports it. */
export interface NodeVersions {
  readonly name: string;
  readonly kubeletVersion: string;
  readonly osImage: string;
  readonly kernelVersion: string;
  readonly containerRuntimeVersion: string;
}

/** The node's versions from `status.nodeInfo`. */
export function nodeVersions(node: V1Node): NodeVersions {
  const info = node.status?.nodeInfo;
  return {
    name: node.metadata?.name ?? '',
    kubeletVersion: info?.kubeletVersion ?? '',
    osImage: info?.osImage ?? '',
    kernelVersion: info?.kernelVersion ?? '',
    containerRuntimeVersion: info?.containerRuntimeVersion ?? '',
  };
}

/** Why a node is not Ready, or undefined when it is. */
export function notReadyReason(node: V1Node | undefined): string | undefined {
  if (!node) return 'not registered yet';
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (ready?.status === 'True') return undefined;
  if (!ready) return 'no Ready condition yet';
  return `Ready=${ready.status}${ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ''}`;
}

/**
 * Polls until the node has registered and is Ready, heartbeating the reason it waits. API
 * errors that pass (the workload apiserver is still starting) are waited out too.
 */
export async function waitForNodeReady(secrets: SecretStore, input: WaitForNodeReadyInput, pollMs: number): Promise<NodeVersions> {
  const deadline = input.timeoutSeconds === undefined ? Infinity : Date.now() + input.timeoutSeconds * 1000;
  const what = describeNode(input.node);
  const nextPause = pollBackoff(pollMs);
  for (;;) {
    let reason: string;
    try {
      const node = await findNode(await workloadCoreApi(secrets, input.cluster), input.node);
      const notReady = notReadyReason(node) ?? wrongKubelet(node, input.kubeletVersion);
      if (node && notReady === undefined) return nodeVersions(node);
      reason = notReady ?? 'unknown';
    } catch (error) {
      const awaited = input.awaitKubeconfig === true && error instanceof ApplicationFailure && error.type === ErrorType.SecretNotFound;
      if (error instanceof ApplicationFailure && error.nonRetryable && !awaited) throw error;
      reason = awaited ? `waiting for the control plane to store the cluster's kubeconfig (${error.message})` : (error as Error).message;
    }
    if (Date.now() >= deadline) throw failure(ErrorType.NodeNotReady, `${what} not Ready after ${input.timeoutSeconds}s: ${reason}`);
    Context.current().heartbeat({ node: what, reason });
    await Context.current().sleep(nextPause());
  }
}

function wrongKubelet(node: V1Node | undefined, wanted: string | undefined): string | undefined {
  const running = node?.status?.nodeInfo?.kubeletVersion;
  return wanted === undefined || running === wanted ? undefined : `kubelet ${running ?? 'unknown'}, waiting for ${wanted}`;
}
