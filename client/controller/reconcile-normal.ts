import { describeIssue, toDesiredCluster, type MappingResult } from '../../api/capi/to-desired-cluster.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { gatherClusterObjects } from './cluster-scope.ts';
import { desiredHash } from './desired-hash.ts';
import { foreignPools } from './foreign-pools.ts';
import { EventReason } from './events/event-spec.ts';
import { ownClusterObjects } from './own-cluster-objects.ts';
import { issuesAtTheirOrigin } from '../../api/capi/topology/issue-origin.ts';
import type { GeneratedTopology } from '../../api/capi/topology/generate.ts';
import type { MappingIssue } from '../../api/capi/mapping/issues.ts';
import { reconcileTopology, withGenerated } from './reconcile-topology.ts';
import type { ReconcileDeps, ReconcileScope } from './reconcile-deps.ts';
import { writeClusterStatuses } from './reconcile-status.ts';
import { specVerdict, type SpecVerdict } from './status/spec-verdict.ts';
import type { HandlerResult } from './work-queue.ts';

/**
 * The normal path: a Cluster with a topology gets its objects generated from its ClusterClass
 * first (reconcile-topology.ts; a refusal there is the spec's verdict); CAPI's owner references on the cluster's objects (not while paused, as in
 * CAPI); then map them onto a DesiredCluster: a spec that does not map gets
 * Ready=False/InvalidSpec and an Event and starts nothing; one that does is signalled to the
 * cluster workflow (signalWithStart) only when it differs from the last one sent (a new cluster's
 * first start waits until its objects stop arriving). A paused cluster's desired state is sent
 * too, with `paused: true`: the workflow then starts no operation, also none it had already
 * queued. Then status.
 */
export async function reconcileNormal(scope: ReconcileScope, deps: ReconcileDeps): Promise<HandlerResult | undefined> {
  const { namespace, name, record } = scope;
  const topology = await reconcileTopology(scope, deps);
  if (!scope.paused) await ownClusterObjects(scope, deps);
  const cached = await gatherClusterObjects(scope.cluster, deps.informers, deps.kube);
  const objects = topology?.ok ? withGenerated(cached, scope.cluster, topology.generated) : cached;
  const mapped: MappingResult =
    topology?.ok === false
      ? topology
      : toDesiredCluster({ namespace, name }, objects, { ...deps.mapping, otherPools: foreignPools(deps.informers, namespace) });
  const result: MappingResult = topology?.ok ? atTheirOrigin(scope, topology.generated, mapped, topology.warnings) : mapped;
  const verdict = specVerdict(result);
  await tellSpecProblems(scope, result, verdict, deps);

  let requeueAfterMs: number | undefined;
  // A workflow that ended abnormally is not replaced: a fresh one would know none of the machines.
  // Nor one that released this Cluster to another management cluster: that one manages it now.
  const acts = record.workflow.state !== 'ended' && record.workflow.state !== 'unknown' && record.workflow.state !== 'released';
  if (result.ok && acts && deps.isLeader()) {
    const hash = desiredHash(result.desired);
    const quietFor = deps.sinceLastChangeMs(scope.key);
    if (record.workflow.state !== 'running' && quietFor < deps.startSettleMs) {
      // Objects of a new cluster are still arriving (one `kubectl apply -f`): start once, with all of them.
      requeueAfterMs = deps.startSettleMs - quietFor;
    } else if (hash !== record.sentHash || record.workflow.state !== 'running') {
      const starting = record.workflow.state !== 'running';
      await deps.workflows.sendDesired(result.desired);
      record.sentHash = hash;
      record.workflow = { state: 'running' };
      record.activeUntilMs = Date.now() + deps.afterSignalMs;
      deps.watchCompletion(scope.key);
      deps.pollSoon(scope.key);
      await deps.events.record(scope.cluster, {
        type: 'Normal',
        reason: starting ? EventReason.ClusterWorkflowStarted : EventReason.DesiredStateSent,
        message: `${starting ? 'started' : 'signalled'} ${clusterWorkflowId(namespace, name)} with generation ${result.desired.generation}${result.desired.paused ? ' (paused)' : ''}`,
      });
    }
  }
  await writeClusterStatuses(scope, deps, {
    spec: verdict,
    wanted: result.ok
      ? {
          kubernetes: result.desired.kubernetesVersion,
          talos: result.desired.talosVersion,
          deployments: new Map(result.desired.machineDeployments.map((d) => [d.name, d.kubernetesVersion])),
        }
      : undefined,
  });
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}

/** Events for spec problems and ignored fields, each told once until it goes away. */
async function tellSpecProblems(scope: ReconcileScope, result: MappingResult, verdict: SpecVerdict, deps: ReconcileDeps): Promise<void> {
  const { told } = scope.record;
  if (verdict.valid) {
    for (const entry of told) if (entry.startsWith('spec:')) told.delete(entry);
  } else {
    const key = `spec:${verdict.reason}:${verdict.message}`;
    if (!told.has(key)) {
      for (const entry of told) if (entry.startsWith('spec:')) told.delete(entry);
      told.add(key);
      const invalid = verdict.reason === 'InvalidSpec';
      // Both want the operator: a missing object is as much a reason nothing starts as a wrong one.
      await deps.events.record(scope.cluster, {
        type: 'Warning',
        reason: invalid ? EventReason.InvalidSpec : EventReason.ReferenceNotFound,
        message: `${verdict.message}${invalid ? '; nothing is started until the manifests are fixed' : ''}`,
      });
    }
  }
  for (const warning of result.warnings) {
    const text = describeIssue(warning);
    if (told.has(`warn:${text}`)) continue;
    told.add(`warn:${text}`);
    await deps.events.record(scope.cluster, { type: 'Warning', reason: EventReason.UnsupportedField, message: text });
  }
}

/** A topology Cluster's mapping result, each issue named where the user wrote its cause (the Cluster's spec.topology, or the class). */
function atTheirOrigin(
  scope: ReconcileScope,
  generated: GeneratedTopology,
  mapped: MappingResult,
  topologyWarnings: readonly MappingIssue[],
): MappingResult {
  const cluster = { kind: 'Cluster', namespace: scope.namespace, name: scope.name };
  const className = (scope.cluster as { spec?: { topology?: { class?: string } } }).spec?.topology?.class ?? '';
  const origin = (issues: readonly MappingIssue[]) => issuesAtTheirOrigin(issues, cluster, className, generated);
  const warnings = [...topologyWarnings, ...origin(mapped.warnings)];
  return mapped.ok ? { ...mapped, warnings } : { ...mapped, errors: origin(mapped.errors), warnings };
}
