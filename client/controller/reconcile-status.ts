import { isDeepStrictEqual } from 'node:util';
import { clusterNameLabel } from '../../api/capi/annotations.ts';
import type { ClusterStatus } from '../../api/capi/cluster.ts';
import { isDeleting } from './finalizers.ts';
import type { WatchedKindName } from './kinds.ts';
import { stringAt, type RawObject } from './raw-object.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';
import type { ClusterFacts } from './status/cluster-facts.ts';
import { clusterStatus } from './status/cluster-status.ts';
import { controlPlaneStatus } from './status/control-plane-status.ts';
import { deploymentStatus } from './status/deployment-status.ts';
import { machineObjects, type MachineObject } from './status/machine-objects.ts';
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
 * TalosControlPlane's and MachineDeployments' status, and the Machine objects. Each status is
 * server-side applied whole under the controller's field manager, and only when it differs
 * from what is stored, so a steady cluster costs no writes.
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
    writeStatus(deps, 'Cluster', cluster, clusterStatus(facts, cluster.status as ClusterStatus | undefined), now),
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

  for (const md of deps.informers.list('MachineDeployment', namespace)) {
    if (stringAt(md, 'spec.clusterName') !== name) continue;
    const versions = { kubernetes: wanted?.deployments.get(md.metadata?.name ?? '') ?? wanted?.kubernetes, talos: wanted?.talos };
    writes.push(writeStatus(deps, 'MachineDeployment', md, deploymentStatus(md, facts, versions), now));
  }
  if (record.progress) {
    const uid = cluster.metadata?.uid ?? '';
    const kubernetesOf = (machine: { role: string; deployment?: string }): string | undefined =>
      machine.role === 'control-plane' ? wanted?.kubernetes : (wanted?.deployments.get(machine.deployment ?? '') ?? wanted?.kubernetes);
    writes.push(syncMachines(deps, scope, machineObjects({ namespace, name, uid }, facts, kubernetesOf), now));
  }
  await settleAll(writes);
}

/** Applies a status unless the stored one is the same. */
async function writeStatus(deps: ReconcileDeps, kind: WatchedKindName, object: RawObject, draft: StatusDraft, now: string): Promise<void> {
  const status = finishStatus(draft, object.status, now);
  if (isDeepStrictEqual(object.status ?? {}, status)) return;
  await deps.kube.applyStatus(kind, object.metadata?.namespace ?? '', object.metadata?.name ?? '', status);
}

/**
 * Makes the cluster's Machine objects match the machines its workflow knows: creates and
 * updates them, and deletes those whose machine is gone (the Machines are a mirror; deleting
 * one by hand deletes no VM, and the next sync brings it back).
 */
async function syncMachines(deps: ReconcileDeps, scope: ReconcileScope, desired: readonly MachineObject[], now: string): Promise<void> {
  const { namespace, name } = scope;
  const existing = deps.informers
    .list('Machine', namespace)
    .filter((m) => m.metadata?.labels?.[clusterNameLabel] === name || stringAt(m, 'spec.clusterName') === name);
  const wanted = new Set(desired.map((d) => d.name));
  const writes = desired.map(async (machine) => {
    const current = existing.find((m) => m.metadata?.name === machine.name);
    if (!current || !objectMatches(current, machine)) await deps.kube.applyObject('Machine', machine.object);
    const status = finishStatus(machine.status, current?.status, now);
    const stored = { ...((current?.status as Record<string, unknown> | undefined) ?? {}) };
    delete stored['lastUpdated'];
    if (current && isDeepStrictEqual(stored, status)) return;
    await deps.kube.applyStatus('Machine', namespace, machine.name, { ...status, lastUpdated: now });
  });
  for (const machine of existing) {
    const owned = machine.metadata?.ownerReferences?.some((o) => o.kind === 'Cluster' && o.name === name) ?? false;
    if (!owned || wanted.has(machine.metadata?.name ?? '')) continue;
    writes.push(deps.kube.deleteObject('Machine', namespace, machine.metadata?.name ?? ''));
  }
  await settleAll(writes);
}

/** Whether a stored Machine already has the labels, owner and spec the controller sets. */
function objectMatches(current: RawObject, machine: MachineObject): boolean {
  const labels = current.metadata?.labels ?? {};
  const { metadata, spec } = machine.object;
  return (
    Object.entries(metadata.labels).every(([k, v]) => labels[k] === v) &&
    (current.metadata?.ownerReferences?.some((o) => o.uid === metadata.ownerReferences[0]?.uid) ?? false) &&
    stringAt(current, 'spec.clusterName') === spec.clusterName &&
    stringAt(current, 'spec.version') === spec.version
  );
}

/** Runs writes together; the first failure is rethrown once all have ended (the reconcile retries). */
async function settleAll(writes: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
