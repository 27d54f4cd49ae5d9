import { isDeepStrictEqual } from 'node:util';
import type { ClusterStatus } from '../../api/capi/cluster.ts';
import { claiming } from './cluster-claims.ts';
import { isDeleting } from './finalizers.ts';
import type { WatchedKindName } from './kinds.ts';
import { stringAt, type RawObject } from './raw-object.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';
import type { ClusterFacts } from './status/cluster-facts.ts';
import { clusterStatus } from './status/cluster-status.ts';
import { controlPlaneStatus } from './status/control-plane-status.ts';
import { deploymentStatus } from './status/deployment-status.ts';
import { hasOrphanStatus, noStatus } from './status/orphan-status.ts';
import type { SpecVerdict } from './status/spec-verdict.ts';
import { finishStatus, type StatusDraft } from './status/status-draft.ts';

/** The versions the current spec asks for, when it maps. */
export interface WantedState {
  readonly kubernetes: string;
  readonly talos: string;
  /** A MachineDeployment's own Kubernetes version, when it has one. */
  readonly deployments: ReadonlyMap<string, string | undefined>;
}

/**
 * Writes back everything a reconcile knows (CAPI's deferred status patch): the Cluster's, its
 * TalosControlPlane's and MachineDeployments' status, and takes the condition an orphan got off
 * the objects that name the Cluster. Each status is server-side applied whole
 * under the controller's field manager, and only when it differs from what is stored, so a
 * steady cluster costs no writes. Machines, MachineSets, ProxmoxMachines and the status of
 * MachineHealthChecks are the cluster workflow's to write: it observes them.
 */
export async function writeClusterStatuses(
  scope: ReconcileScope,
  deps: ReconcileDeps,
  input: { readonly spec?: SpecVerdict | undefined; readonly wanted?: WantedState | undefined },
): Promise<void> {
  const { namespace, name, cluster, record } = scope;
  const facts: ClusterFacts = {
    namespace,
    name,
    generation: cluster.metadata?.generation,
    deleting: isDeleting(cluster),
    paused: scope.paused,
    spec: input.spec,
    workflow: record.workflow,
    progress: record.progress,
  };
  const now = deps.now().toISOString();
  const { wanted } = input;
  const writes: Promise<void>[] = [
    writeStatus(deps, 'Cluster', cluster, clusterStatus(facts, cluster.status as ClusterStatus | undefined, Date.parse(now)), now),
  ];

  const controlPlaneName = stringAt(cluster, 'spec.controlPlaneRef.name');
  const tcp = controlPlaneName ? deps.informers.get('TalosControlPlane', namespace, controlPlaneName) : undefined;
  if (tcp)
    writes.push(
      writeStatus(
        deps,
        'TalosControlPlane',
        tcp,
        controlPlaneStatus(tcp, facts, { kubernetes: wanted?.kubernetes, talos: wanted?.talos }),
        now,
      ),
    );

  for (const md of claiming('MachineDeployment', deps.informers.list('MachineDeployment', namespace), name)) {
    const versions = { kubernetes: wanted?.deployments.get(md.metadata?.name ?? '') ?? wanted?.kubernetes, talos: wanted?.talos };
    writes.push(writeStatus(deps, 'MachineDeployment', md, deploymentStatus(md, facts, versions), now));
  }

  // The Cluster exists: an orphan's condition goes from what no status above rewrites.
  const unwritten = [
    ...claiming('TalosControlPlane', deps.informers.list('TalosControlPlane', namespace), name)
      .filter((object) => object.metadata?.name !== tcp?.metadata?.name)
      .map((object) => ['TalosControlPlane', object] as const),
    ...claiming('ProxmoxCluster', deps.informers.list('ProxmoxCluster', namespace), name).map(
      (object) => ['ProxmoxCluster', object] as const,
    ),
  ];
  for (const [kind, object] of unwritten) if (hasOrphanStatus(object)) writes.push(writeStatus(deps, kind, object, noStatus, now));
  await settleAll(writes);
}

/** Applies a status unless the stored one is the same. */
export async function writeStatus(
  deps: ReconcileDeps,
  kind: WatchedKindName,
  object: RawObject,
  draft: StatusDraft,
  now: string,
): Promise<void> {
  const status = finishStatus(draft, object.status, now);
  if (isDeepStrictEqual(object.status ?? {}, status)) return;
  await deps.kube.applyStatus(kind, object.metadata?.namespace ?? '', object.metadata?.name ?? '', status);
}

/** Runs writes together; the first failure is rethrown once all have ended (the reconcile retries). */
async function settleAll(writes: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
