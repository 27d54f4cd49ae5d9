import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type ClusterReleased,
  clusterProgressQuery,
  deleteClusterSignal,
  desiredClusterSignal,
  planQuery,
  runProgressSignal,
} from '../api/cluster-messages.ts';
import type { ClusterPlan } from '../api/cluster-plan.ts';
import { clusterKey } from '../api/cluster-ref.ts';
import type { ClusterWorkflow, ClusterWorkflowResult, ClusterWorkflowState } from '../api/cluster-workflow-state.ts';
import { DesiredCluster, type DesiredClusterInput } from '../api/desired-cluster.ts';
import { clusterWorkflowId, operationWorkflowId } from '../api/ids.ts';
import { CapstanCluster, CapstanOperation } from '../api/search-attributes.ts';
import { planCluster } from '../plan/cluster-plan.ts';
import { etcdQuorumLost } from '../plan/etcd-quorum-lost.ts';
import { planEtcdRestore } from '../plan/etcd-restore.ts';
import { ClusterView } from './cluster/cluster-view.ts';
import { keepCredentialsFresh, type RenewalLoop } from './cluster/keep-credentials-fresh.ts';
import { keepEtcdBackedUp } from './cluster/keep-etcd-backed-up.ts';
import { handleEtcdSnapshotUpdates } from './cluster/etcd-snapshot-updates.ts';
import { observeAndHeal, straysPastGrace } from './cluster/observe-and-heal.ts';
import { runOperationChild } from './cluster/operation-child.ts';
import { countOperationFinished, countOperationStarted } from './cluster/operation-metrics.ts';
import { refuseBeforeBuilding } from './cluster/preflight.ts';
import { handleReleaseUpdate } from './cluster/release-update.ts';

/** Continue-as-new well before Temporal's limits (50K events, 50 MB), between operations. */
const defaultHistoryLimit = 8_000;
/** The same operation planned again and again means it cannot make progress. */
const maxRepeats = 3;

/**
 * The long-lived workflow of one cluster (`cluster/<ns>/<name>`). It remembers nothing about the
 * cluster's machines: before every decision it observes them (Proxmox, Talos, etcd, the workload
 * cluster, the inventory in the management cluster), lets MachineHealthChecks remediate, plans
 * from desired vs observed, and runs one operation at a time as a child workflow. It observes
 * again after every operation and on an interval, so conditions show reality. A new spec
 * supersedes an operation blocked on a step, and deleting the cluster supersedes any operation.
 * It answers `clusterProgress` and `plan` (the dry run) at any time, and continues-as-new between
 * operations once every message handler has finished.
 */
export async function clusterWorkflow(input: ClusterWorkflowState): ReturnType<ClusterWorkflow> {
  const state: ClusterWorkflowState = { ...input };
  const view = new ClusterView(state);
  // A restore request counts as a new spec: it ends a hold and wakes an idle loop (absent, it leaves the string as before).
  // So does a release, which histories from before it never carry.
  const spec = (): string =>
    JSON.stringify({ desired: state.desired, deleting: state.deleting, restore: state.restore, released: state.released });
  const held = (): boolean => state.hold !== undefined && state.hold.spec === spec();

  // The descriptions are what the Web UI lists in its "Send Signal" and "Query" dialogs.
  setHandler(
    desiredClusterSignal,
    (desired) => {
      state.desired = desired;
      // A refusal was about the spec it replaces: the new one is planned at once.
      view.refusal = undefined;
    },
    { description: "The cluster's desired state (the controller sends it from the Cluster objects); the latest wins." },
  );
  setHandler(
    deleteClusterSignal,
    () => {
      state.deleting = true;
    },
    { description: 'The Cluster object is being deleted: delete the cluster once the running operation has ended.' },
  );
  setHandler(
    runProgressSignal,
    (report) => {
      view.report(report);
    },
    { description: "An operation or machine run's progress report (sent by the runs themselves)." },
  );
  setHandler(clusterProgressQuery, () => view.progress(), {
    description: 'Phase, the running operation and its workflow ID, blocked runs, machines, availability.',
  });
  handleEtcdSnapshotUpdates(state, view);
  handleReleaseUpdate(state, view);
  setHandler(
    planQuery,
    (desired?: DesiredClusterInput) => {
      const parsed = DesiredCluster.safeParse(desired ?? state.desired);
      if (!parsed.success) return { ok: false, operation: 'none', reason: describeIssues(parsed.error.issues) };
      return planCluster({ desired: parsed.data, observed: view.observed, deleting: state.deleting });
    },
    { description: 'The dry run: the operation it would run next for the current spec, or for the spec given as the argument.' },
  );
  upsertSearchAttributes([
    { key: CapstanCluster, value: clusterKey(state) },
    { key: CapstanOperation, value: 'cluster' },
  ]);
  view.publish();
  const renewal: RenewalLoop = { busy: false, stopping: false };
  void keepCredentialsFresh(state, view, renewal);
  // Runs recorded before scheduled backups existed replay without the loop.
  const backups: RenewalLoop = { busy: false, stopping: false };
  if (patched('scheduled-etcd-backups')) void keepEtcdBackedUp(state, view, backups);

  const tooLong = (): boolean => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (state.historyLimit ?? defaultHistoryLimit);
  };
  // Waits for a spec other than the one this pass planned from, the next observation interval,
  // or the end of this run's history. A spec that arrived during the observation counts as new:
  // before the patch it was only planned an interval later.
  const idle = async (intervalSeconds: number, planned: string): Promise<void> => {
    const seen = patched('idle-compares-with-the-planned-spec') ? planned : spec();
    await condition(() => spec() !== seen || tooLong(), intervalSeconds * 1000);
  };

  // Ends the run without deleting anything: the side loops stop, every handler finishes, and the
  // result tells the controller this cluster is managed elsewhere now.
  // A function, not the field: handlers set it while the loop awaits.
  const releasedTo = (): ClusterReleased | undefined => state.released;
  const release = async (): Promise<ClusterWorkflowResult> => {
    const released = releasedTo();
    if (!released) throw new Error('release without a releaseCluster update');
    renewal.stopping = true;
    backups.stopping = true;
    await condition(() => allHandlersFinished() && !renewal.busy && !backups.busy);
    view.released = true;
    view.publish();
    return { deleted: false, released };
  };

  const continueIfTooLong = async (): Promise<void> => {
    if (!tooLong()) return;
    renewal.stopping = true;
    backups.stopping = true;
    await condition(() => allHandlersFinished() && !renewal.busy && !backups.busy);
    await continueAsNew<typeof clusterWorkflow>({ ...state, lastObservation: view.observation });
  };

  let last = '';
  let repeats = 0;
  for (;;) {
    if (releasedTo()) return release();
    if (state.desired === undefined) {
      await continueIfTooLong();
      await condition(() => state.desired !== undefined || tooLong() || releasedTo() !== undefined);
      continue;
    }
    if (state.hold && !held()) delete state.hold; // a changed spec ends a hold
    const planned = spec();
    const parsed = DesiredCluster.safeParse(state.desired);
    const desired = parsed.success ? parsed.data : undefined;
    const interval = desired?.observeIntervalSeconds ?? 60;
    const observed = await observeAndHeal(view, state, desired, !held() && !state.deleting);
    // An operation shows as running until the cluster it left has been observed.
    view.finishOperation();
    // Only here, just after an observation: the next run starts from what was just seen, never
    // from a view older than the last operation.
    await continueIfTooLong();
    if (releasedTo()) return release();
    if (observed === 'remediating') continue;
    if (observed === 'failed') {
      await idle(interval, planned);
      continue;
    }
    if (!desired) {
      view.refusal = `the desired state is invalid: ${describeIssues(parsed.error?.issues ?? [])}`;
      view.publish();
      await idle(interval, planned);
      continue;
    }
    if (state.restore !== undefined && !state.deleting) {
      const restore = planEtcdRestore(view.observed, desired.name, state.restore.snapshot);
      delete state.restore;
      if (!restore.ok) {
        view.refusal = `etcd restore refused: ${restore.reason}`;
        view.publish();
        continue;
      }
      if (releasedTo()) return release();
      const end = await runOperation(state, view, desired, restore);
      if (end.outcome === 'Aborted' || end.outcome === 'Failed') {
        state.hold = {
          spec: spec(),
          reason: `${restore.summary}: ${end.outcome === 'Aborted' ? 'aborted' : 'failed'}: ${end.reason ?? ''}`,
        };
      }
      continue;
    }
    const observation = view.observation;
    const quorumLost = observation && !state.deleting ? etcdQuorumLost(observation, desired.name) : undefined;
    if (quorumLost !== undefined) {
      // Nothing a spec asks for can be built on a control plane without etcd: only a restore (or a delete) helps.
      view.refusal = quorumLost;
      view.publish();
      await idle(interval, planned);
      continue;
    }
    const strayVms = observation ? straysPastGrace(state, observation, desired.strayVmGraceSeconds) : [];
    const plan = planCluster({ desired, observed: view.observed, deleting: state.deleting, strayVms });
    view.refusal = plan.ok ? undefined : `${plan.operation} refused: ${plan.reason}`;
    if (!plan.ok || plan.operation === 'none' || (held() && plan.operation !== 'delete')) {
      repeats = 0;
      last = '';
      view.publish();
      await idle(interval, planned);
      continue;
    }
    repeats = plan.summary === last ? repeats + 1 : 0;
    last = plan.summary;
    if (repeats >= maxRepeats) {
      state.hold = {
        spec: spec(),
        reason: `"${plan.summary}" ran ${maxRepeats} times without reaching the desired state; change the spec to try again`,
      };
      view.publish();
      continue;
    }
    const refusal = await refuseBeforeBuilding(view, state, desired, plan);
    if (refusal) {
      // Not a hold: fixing Proxmox (a template, a node) is seen at the next observation, no new spec needed.
      view.refusal = refusal;
      repeats = 0;
      last = '';
      view.publish();
      await idle(interval, planned);
      continue;
    }
    // A renewal check that is under way finishes first: operations write the talosconfig too.
    while (renewal.busy) await condition(() => !renewal.busy);
    // A release accepted while the plan was checked: no operation starts on a cluster handed away.
    if (releasedTo()) return release();
    const end = await runOperation(state, view, desired, plan);
    if (plan.operation === 'delete' && end.outcome === 'Succeeded') {
      view.deleted = true;
      view.publish();
      return { deleted: true };
    }
    if (end.outcome === 'Aborted' || end.outcome === 'Failed') {
      state.hold = { spec: spec(), reason: `${plan.summary}: ${end.outcome === 'Aborted' ? 'aborted' : 'failed'}: ${end.reason ?? ''}` };
    }
  }
}

/** Runs one planned operation as a child, superseded by a deletion or by a new spec while it is blocked. */
async function runOperation(
  state: ClusterWorkflowState,
  view: ClusterView,
  desired: DesiredCluster,
  plan: Extract<ClusterPlan, { ok: true }>,
): Promise<{ readonly outcome: string; readonly reason?: string | undefined }> {
  state.operations += 1;
  const workflowId = operationWorkflowId(state.namespace, state.name, plan.operation, state.operations);
  view.operation = {
    workflowId,
    kind: plan.operation,
    summary: plan.summary,
    deployment: 'deployment' in plan ? plan.deployment : undefined,
  };
  view.publish();
  const started = JSON.stringify(state.desired);
  const supersede = (): string | undefined => {
    if (state.deleting && plan.operation !== 'delete') return 'the cluster is being deleted';
    if (JSON.stringify(state.desired) !== started && view.blocked()) return 'a new spec replaced it while it was blocked';
    if (state.restore !== undefined && view.blocked()) return 'an etcd restore was asked for while it was blocked';
    return undefined;
  };
  const input = { desired: state.desired ?? desired, observed: view.observed, reportTo: clusterWorkflowId(state.namespace, state.name) };
  countOperationStarted(plan.operation);
  const end = await runOperationChild(workflowId, plan, input, supersede);
  countOperationFinished(plan.operation, end.outcome);
  const outcome = end.reason ? `${end.outcome}: ${end.reason}` : end.outcome;
  state.recent = [...state.recent, { kind: plan.operation, summary: plan.summary, outcome }].slice(-10);
  view.publish();
  return end;
}

function describeIssues(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
