import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { pausedAnnotation } from '../../../api/capi/annotations.ts';
import { clusterProgressQuery, releaseClusterUpdate, type ClusterProgress } from '../../../api/cluster-messages.ts';
import type { ClusterWorkflowResult } from '../../../api/cluster-workflow-state.ts';
import { clusterWorkflowId } from '../../../api/ids.ts';
import type { RawObject } from '../../controller/raw-object.ts';
import { CliError, oneLine } from '../cli-error.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import { explainKubeError } from '../connect/kube.ts';
import { explainTemporalError } from '../connect/temporal.ts';
import type { CliContext, KubeAccess, TemporalAccess } from '../context.ts';
import { apiVersionOf, ManagementObjects } from '../move/management-objects.ts';
import { movedFromAnnotation, objectKey, selectClusterObjects, targetCopy, without, type KindedObject } from '../move/move-selection.ts';

/** On the source Cluster while a move runs: where it goes (a re-run knows the pause is its own). */
export const movingToAnnotation = 'capstan.dev/moving-to';
/** On the target's copy: the Cluster was paused before the move, and stays paused after it. */
const pausedBeforeAnnotation = 'capstan.dev/paused-before-move';

/** The target management cluster and its Capstan installation's Temporal namespace. */
export interface MoveTarget {
  readonly kube: KubeAccess;
  readonly temporal: TemporalAccess;
}

export interface MoveOptions {
  /** How long to wait for the target's cluster workflow to report Idle. */
  readonly waitSeconds?: number;
}

/**
 * `capstan move <cluster> --to-kubeconfig <file> --to-temporal-namespace <ns>`: hands a cluster
 * to another management cluster, as clusterctl move does. Each step is idempotent, so a run that
 * failed half-way is finished by running it again.
 */
export async function moveCommand(ctx: CliContext, name: string, target: MoveTarget, options: MoveOptions = {}): Promise<number> {
  const out = (text: string): void => {
    ctx.io.stdout.write(`${text}\n`);
  };
  const ref = { namespace: ctx.namespace, name };
  const namespace = ref.namespace;
  const [sourceKube, sourceTemporal] = await Promise.all([ctx.clients.kube(), ctx.clients.temporal()]);
  const to = `${target.kube.server} (Temporal namespace ${target.temporal.namespace})`;
  if (sourceKube.server === target.kube.server)
    throw new CliError(
      `the target kubeconfig names the source management cluster itself (${sourceKube.server})`,
      'pass --to-kubeconfig for the other management cluster',
    );
  if (sourceTemporal.address === target.temporal.address && sourceTemporal.namespace === target.temporal.namespace)
    throw new CliError(
      `the target uses the same Temporal namespace as the source (${sourceTemporal.namespace} at ${sourceTemporal.address})`,
      "each management cluster's Capstan needs a Temporal namespace of its own: its workers read that management cluster with their own credentials, so two installations on one namespace and task queue would run each other's activities; pass --to-temporal-namespace <the target installation's namespace>",
    );
  const source = new ManagementObjects(sourceKube.kubeConfig);
  const dest = new ManagementObjects(target.kube.kubeConfig);
  const kubeCall = async <T>(kube: KubeAccess, doing: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw explainKubeError(error, kube, doing);
    }
  };

  out(`Moving cluster ${namespace}/${name} to ${to}`);
  // 1. Checks, before anything is touched.
  out('[1/6] checking the source, the target and the cluster workflow');
  const sourceCluster = await kubeCall(sourceKube, 'reading the Cluster', () => source.get('Cluster', namespace, name));
  const missing = await kubeCall(target.kube, 'reading the CRDs', () => dest.missingCrds());
  if (missing.length > 0)
    throw new CliError(`the target management cluster lacks Capstan's CRDs: ${missing.join(', ')}`, 'install Capstan there first');
  const targetCluster = await kubeCall(target.kube, 'reading the Cluster', () => dest.get('Cluster', namespace, name));
  const ours = (object: RawObject | undefined): boolean =>
    object !== undefined &&
    sourceCluster !== undefined &&
    object.metadata?.annotations?.[movedFromAnnotation] === sourceCluster.metadata?.uid;
  if (!sourceCluster) {
    if (targetCluster?.metadata?.annotations?.[movedFromAnnotation] !== undefined) {
      out('  the source has no such Cluster and the target holds a moved copy: finishing an earlier run of this move');
      return finish(ctx, ref, dest, target, options, out);
    }
    throw new CliError(
      `no Cluster ${namespace}/${name} in the source management cluster (${sourceKube.server})`,
      'kubectl get clusters -A lists them',
    );
  }
  if (sourceCluster.metadata?.deletionTimestamp !== undefined)
    throw new CliError(`Cluster ${namespace}/${name} is being deleted`, 'a cluster being deleted cannot be moved');
  if (targetCluster && !ours(targetCluster))
    throw new CliError(
      `the target management cluster already has a Cluster ${namespace}/${name} that is no copy of this one`,
      'delete it there, or move into another namespace is not supported: rename neither',
    );
  const clusterUid = sourceCluster.metadata?.uid ?? '';
  const progress = await sourceProgress(sourceTemporal, namespace, name);
  if (progress.state === 'running') {
    const p = progress.progress;
    if (p.phase === 'Running' || p.phase === 'Blocked' || p.phase === 'Paused')
      throw new CliError(
        `operation "${p.operation?.summary ?? p.phase}" is ${p.phase.toLowerCase()} on cluster ${namespace}/${name}; a cluster moves only while idle`,
        `wait for it (capstan watch ${name}${namespaceFlag(ref)} --until-idle) or end it (capstan abort ${name}${namespaceFlag(ref)} --reason "..."), then move again`,
      );
    if (p.deleteRequested) throw new CliError(`cluster ${namespace}/${name} is being deleted`, 'a cluster being deleted cannot be moved');
  } else if (progress.result?.released?.clusterUid !== clusterUid) {
    throw new CliError(
      `the cluster workflow ${clusterWorkflowId(namespace, name)} is not running (${progress.status}), so nothing vouches for the inventory`,
      'capstan describe cluster shows why; a cluster moves while its workflow runs and is idle',
    );
  }
  out(
    `  source Cluster found (uid ${clusterUid}); target reachable with Capstan's CRDs; the cluster workflow is ${progress.state === 'running' ? progress.progress.phase : 'released already'}`,
  );
  if (await kubeCall(target.kube, 'creating the namespace', () => dest.ensureNamespace(namespace)))
    out(`  created namespace ${namespace} on the target`);

  // 2. Pause on the source: its controller sends the workflow nothing new.
  const spec = (sourceCluster.spec ?? {}) as { paused?: unknown };
  const annotations = sourceCluster.metadata?.annotations ?? {};
  const movingBefore = annotations[movingToAnnotation] !== undefined;
  const pausedBefore = !movingBefore && (spec.paused === true || annotations[pausedAnnotation] !== undefined);
  out('[2/6] pausing the Cluster on the source (spec.paused: true)');
  await kubeCall(sourceKube, 'pausing the Cluster', () =>
    source.patch('Cluster', namespace, name, {
      metadata: { annotations: { [movingToAnnotation]: to, ...(pausedBefore ? { [pausedBeforeAnnotation]: 'true' } : {}) } },
      spec: { paused: true },
    }),
  );

  // 3. Release the cluster workflow: the run ends, deleting nothing.
  out(`[3/6] releasing ${clusterWorkflowId(namespace, name)} on the source (its run ends; nothing is deleted)`);
  if (progress.state === 'running') await release(sourceTemporal, namespace, name, clusterUid, to);
  out('  released: the source workflow acts on the cluster no more');

  // 4. Copy, owners first, paused.
  const listed = await kubeCall(sourceKube, 'listing the cluster objects', () => source.listAll(namespace));
  const paused = listed.find((o) => o.kind === 'Cluster' && o.object.metadata?.name === name);
  const selection = selectClusterObjects(name, paused ? listed : []);
  out(`[4/6] copying ${selection.objects.length} objects to the target (owners first, status through the status subresource)`);
  const uids = new Map<string, string>();
  for (const item of selection.objects) {
    const copied = await kubeCall(target.kube, `copying ${item.kind} ${item.object.metadata?.name ?? ''}`, () =>
      copyOne(item, dest, namespace, uids, pausedBefore),
    );
    out(`  ${copied.created ? 'created' : 'kept   '} ${item.kind} ${item.object.metadata?.name ?? ''}`);
  }

  // 5. Delete on the source (its controller is paused and the workflow released: no VM is touched).
  out('[5/6] deleting the objects from the source (finalizers lifted: the VMs stay, the target owns them now)');
  // What each object owns goes first, and the Cluster last: a run that stops half-way finds it
  // again, and with it whatever is left to delete.
  const deletion = [...selection.objects].reverse().sort((a, b) => Number(a.kind === 'Cluster') - Number(b.kind === 'Cluster'));
  for (const item of deletion) {
    const itemName = item.object.metadata?.name ?? '';
    if (selection.shared.has(objectKey(item.kind, itemName))) {
      out(`  left    ${item.kind} ${itemName} (another cluster here uses it too)`);
      continue;
    }
    await kubeCall(sourceKube, `deleting ${item.kind} ${itemName}`, () => source.removeWithoutFinalizers(item.kind, namespace, itemName));
  }
  out(`  deleted ${selection.objects.length - selection.shared.size} objects from the source`);
  return finish(ctx, ref, dest, target, options, out);
}

/** Steps 5 (unpause on the target) and 6 (wait for its cluster workflow): what a re-run finishes. */
async function finish(
  ctx: CliContext,
  ref: { readonly namespace: string; readonly name: string },
  dest: ManagementObjects,
  target: MoveTarget,
  options: MoveOptions,
  out: (text: string) => void,
): Promise<number> {
  const { namespace, name } = ref;
  const copy = await dest.get('Cluster', namespace, name);
  const keepPaused = copy?.metadata?.annotations?.[pausedBeforeAnnotation] !== undefined;
  if (keepPaused) out('  the Cluster was paused before the move: it stays paused on the target (resume it with spec.paused: false)');
  else {
    out('  unpausing the Cluster on the target: its controller starts the cluster workflow, which adopts the machines from an observation');
    await dest.patch('Cluster', namespace, name, { spec: { paused: false }, metadata: { annotations: { [pausedAnnotation]: null } } });
  }
  out(`[6/6] waiting for ${clusterWorkflowId(namespace, name)} in Temporal namespace ${target.temporal.namespace} to report the cluster`);
  const deadline = Date.now() + (options.waitSeconds ?? 300) * 1000;
  const machines = (await dest.list('Machine', namespace)).filter((m) => m.metadata?.labels?.['cluster.x-k8s.io/cluster-name'] === name);
  let last: string;
  for (;;) {
    if (ctx.io.interrupted.aborted) throw new CliError('interrupted', `run capstan move ${name} again to finish`);
    try {
      const handle = target.temporal.client.workflow.getHandle(clusterWorkflowId(namespace, name));
      const now = await target.temporal.client.withDeadline(Date.now() + 5_000, () => handle.query(clusterProgressQuery));
      last = `${now.phase}, ${now.machines.length} machines observed`;
      const seenAll = now.observedAt !== undefined && now.machines.length >= machines.length;
      if (seenAll && (now.phase === 'Idle' || (keepPaused && now.phase === 'Held'))) {
        const ready = now.machines.filter((m) => m.ready).length;
        out(
          `Moved: ${namespace}/${name} is managed by ${target.kube.server} now (${now.phase}; ${ready}/${now.machines.length} machines Ready; no VM was touched)`,
        );
        return 0;
      }
    } catch (error) {
      last = oneLine(error);
    }
    if (Date.now() > deadline)
      throw new CliError(
        `the target's cluster workflow did not report the cluster Idle in time (last: ${last})`,
        `the objects are moved; check the target's controller and workers, then run capstan move ${name} again to wait once more`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

type SourceWorkflow =
  | { readonly state: 'running'; readonly progress: ClusterProgress }
  | { readonly state: 'ended'; readonly status: string; readonly result?: ClusterWorkflowResult | undefined };

async function sourceProgress(temporal: TemporalAccess, namespace: string, name: string): Promise<SourceWorkflow> {
  const handle = temporal.client.workflow.getHandle(clusterWorkflowId(namespace, name));
  try {
    const { status } = await temporal.client.withDeadline(Date.now() + 10_000, () => handle.describe());
    if (status.name === 'RUNNING')
      return {
        state: 'running',
        progress: await temporal.client.withDeadline(Date.now() + 10_000, () => handle.query(clusterProgressQuery)),
      };
    const result = status.name === 'COMPLETED' ? ((await handle.result()) as ClusterWorkflowResult) : undefined;
    return { state: 'ended', status: status.name, result };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      throw new CliError(
        `no cluster workflow ${clusterWorkflowId(namespace, name)} in Temporal namespace ${temporal.namespace}`,
        'pass --temporal-namespace of the source installation; a cluster moves once its workflow runs',
      );
    throw error;
  }
}

/**
 * How long the source's worker has to accept the release, and then to end the run: the run first
 * lets its side loops (certificate renewal, etcd backups) finish what they are doing, which on a
 * busy worker takes more than a minute.
 */
const releaseTimeoutMs = 180_000;

/**
 * Sends releaseCluster and waits for the run to end with the release. The update is idempotent, so
 * a failure that is no refusal (a workflow task that failed or timed out on a busy worker, a lost
 * connection) is retried until the deadline — unless the run has ended meanwhile, which is what
 * counts: it may end in the very task that completes the update.
 */
async function release(temporal: TemporalAccess, namespace: string, name: string, clusterUid: string, to: string): Promise<void> {
  const workflowId = clusterWorkflowId(namespace, name);
  const handle = temporal.client.workflow.getHandle(workflowId);
  const deadline = Date.now() + releaseTimeoutMs;
  for (;;) {
    try {
      await temporal.client.withDeadline(deadline, () => handle.executeUpdate(releaseClusterUpdate, { args: [{ clusterUid, to }] }));
      break;
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError)
        throw new CliError(
          `${workflowId} refused the release: ${oneLine(error.cause ?? error)}`,
          `the Cluster stays paused on the source; once the cause is gone run capstan move ${name} again, or resume it with spec.paused: false`,
          { cause: error },
        );
      const ended = await handle.describe().then(
        (d) => d.status.name !== 'RUNNING',
        () => false,
      );
      if (ended) break;
      if (Date.now() + 1_000 >= deadline) {
        const cause = (error as { cause?: unknown }).cause;
        throw explainTemporalError(
          new CliError(
            `releasing ${workflowId} failed: ${oneLine(error)}${cause === undefined ? '' : ` (${oneLine(cause)})`}`,
            `is the source's Capstan worker running? Then run capstan move ${name} again`,
            { cause: error },
          ),
          temporal,
          `releasing ${workflowId}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  let result: ClusterWorkflowResult;
  try {
    result = await temporal.client.withDeadline(
      Date.now() + releaseTimeoutMs,
      async () => (await handle.result()) as ClusterWorkflowResult,
    );
  } catch (error) {
    throw explainTemporalError(error, temporal, `waiting for ${workflowId} to end (the source's Capstan worker must be running)`);
  }
  if (result.released?.clusterUid !== clusterUid) throw new CliError(`${workflowId} ended without the release`);
}

/** Creates one copy (or finds the one an earlier run made) and writes its status. */
async function copyOne(
  item: KindedObject,
  dest: ManagementObjects,
  namespace: string,
  uids: Map<string, string>,
  pausedBefore: boolean,
): Promise<{ created: boolean }> {
  const name = item.object.metadata?.name ?? '';
  const body = targetCopy(item, uids, apiVersionOf(item.kind));
  if (item.kind === 'Cluster') {
    const meta = body['metadata'] as { annotations: Record<string, string> };
    const kept = without(meta.annotations, [movingToAnnotation]);
    meta.annotations = { ...(kept as Record<string, string>), ...(pausedBefore ? { [pausedBeforeAnnotation]: 'true' } : {}) };
    body['spec'] = { ...(body['spec'] as Record<string, unknown>), paused: true };
  }
  const created = await dest.create(item.kind, namespace, body);
  const copy = created ?? (await dest.get(item.kind, namespace, name));
  const sourceUid = item.object.metadata?.uid ?? '';
  if (!copy || copy.metadata?.annotations?.[movedFromAnnotation] !== sourceUid)
    throw new CliError(
      `${item.kind} ${namespace}/${name} exists on the target and is no copy of the source's`,
      'delete or rename it on the target, then run capstan move again',
    );
  uids.set(sourceUid, copy.metadata.uid ?? '');
  if (item.object.status !== undefined && item.kind !== 'Secret' && item.kind !== 'ConfigMap')
    await dest.patch(item.kind, namespace, name, { status: item.object.status }, true);
  return { created: created !== undefined };
}
