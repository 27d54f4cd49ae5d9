import type { DeletePolicy, DesiredCluster, DesiredMachineDeployment } from '../api/desired-cluster.ts';
import type { ObservedCluster, ObservedMachine } from '../api/observed-cluster.ts';
import { describeUpgrade, planClusterUpgrade } from './cluster-upgrade.ts';
import { describeControlPlaneStep, planControlPlaneRollout, planControlPlaneScale } from './control-plane.ts';
import { deleteSteps, provisionSteps, refuseDesiredVersions } from './lifecycle-steps.ts';
import { previewRollout } from './rollout-preview.ts';
import { isUpToDate } from './rollout.ts';
import { planScale } from './scale.ts';
import { shapeHash } from './shape-hash.ts';
import type { ClusterPlan, OperationKind, PreviewBatch, StrayVmRef } from '../api/cluster-plan.ts';
import { describeRepair, planRepair } from './repair.ts';
import { previewReplacement, previewUpgrade, rollingParallelism } from './machine-changes.ts';

/** What the planner looks at: the spec, and the cluster as one observation found it. */
export interface ClusterPlanInput {
  readonly desired: DesiredCluster;
  readonly observed: ObservedCluster;
  /** The Cluster object is being deleted (it has a deletionTimestamp). */
  readonly deleting?: boolean;
  /** VMs with the cluster's owner marker that no Machine claims, past their grace period. */
  readonly strayVms?: readonly StrayVmRef[];
}

const refusedPlan = (operation: OperationKind, reason: string): ClusterPlan => ({ ok: false, operation, reason });
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A batch's steps, one per machine: each create and delete runs as its own step, side by side. */
function describeBatch(batch: PreviewBatch, group: string): string[] {
  return [...batch.create.map(() => `create a machine in ${group}`), ...batch.delete.map((name) => `delete ${name}`)];
}

function planDeployment(
  desired: DesiredCluster,
  md: DesiredMachineDeployment,
  machines: readonly ObservedMachine[],
): ClusterPlan | undefined {
  const group = machines.filter((m) => m.role === 'worker' && m.deployment === md.name);
  const live = group.filter((m) => m.phase !== 'Deleting');
  const shape = { shapeHash: shapeHash(md.machine), kubernetesVersion: md.kubernetesVersion ?? desired.kubernetesVersion };
  const seed = `${desired.namespace}/${desired.name}/${desired.generation}/${md.name}`;
  if (live.some((m) => !isUpToDate(m, shape))) {
    if (md.strategy.type === 'InPlace')
      return refusedPlan(
        'rollout-machine-deployment',
        `the machine shape of ${md.name} changed, but its InPlace strategy cannot change a VM; use RollingUpdate`,
      );
    const target = {
      ...shape,
      replicas: md.replicas,
      maxSurge: md.strategy.maxSurge,
      maxUnavailable: md.strategy.maxUnavailable,
      deletePolicy: md.deletePolicy,
      seed,
    };
    const preview = previewRollout(target, group, md.name);
    if (!preview.ok) return refusedPlan('rollout-machine-deployment', preview.reason);
    const steps = preview.batches.flatMap((b) => describeBatch(b, md.name));
    const outdated = live.filter((m) => !isUpToDate(m, shape));
    const to = { kubernetes: shape.kubernetesVersion, talos: desired.talosVersion };
    return {
      ok: true,
      operation: 'rollout-machine-deployment',
      deployment: md.name,
      batches: preview.batches,
      summary: `roll out ${md.name} (${plural(md.replicas, 'machine')})`,
      steps,
      ...previewReplacement(`roll out ${md.name}`, outdated, to, rollingParallelism(md)),
    };
  }
  return live.length === md.replicas ? undefined : scaleDeployment(md.name, live, md.replicas, md.deletePolicy, seed);
}

function scaleDeployment(
  name: string,
  live: readonly ObservedMachine[],
  replicas: number,
  deletePolicy: DeletePolicy,
  seed: string,
): ClusterPlan {
  const scale = planScale({ replicas, machines: live, deletePolicy, seed });
  const steps = [
    ...Array.from({ length: scale.create }, () => `create a machine in ${name}`),
    ...scale.delete.map((machine) => `delete ${machine}`),
  ];
  return {
    ok: true,
    operation: 'scale-machine-deployment',
    deployment: name,
    from: live.length,
    to: replicas,
    ...scale,
    summary: `scale ${name} ${live.length} → ${replicas}`,
    steps,
  };
}

function planControlPlane(desired: DesiredCluster, machines: readonly ObservedMachine[]): ClusterPlan | undefined {
  const cp = machines.filter((m) => m.role === 'control-plane');
  const live = cp.filter((m) => m.phase !== 'Deleting');
  const strategy = desired.controlPlane.strategy;
  const target = {
    replicas: desired.controlPlane.replicas,
    shapeHash: shapeHash(desired.controlPlane.machine),
    kubernetesVersion: desired.kubernetesVersion,
  };
  const from = live.length;
  if (from !== target.replicas || cp.length !== live.length) {
    const plan = planControlPlaneScale(target, cp);
    if (!plan.ok) return refusedPlan('scale-control-plane', plan.reason);
    const summary =
      from === target.replicas ? 'finish removing control-plane machines' : `scale control plane ${from} → ${target.replicas}`;
    return {
      ok: true,
      operation: 'scale-control-plane',
      from,
      to: target.replicas,
      controlPlaneSteps: plan.steps,
      summary,
      steps: plan.steps.map(describeControlPlaneStep),
    };
  }
  if (live.every((m) => isUpToDate(m, target))) return undefined;
  if (strategy.type === 'InPlace')
    return refusedPlan(
      'rollout-control-plane',
      'the control-plane machine shape changed, but the InPlace strategy cannot change a VM; use RollingUpdate',
    );
  const plan = planControlPlaneRollout({ ...target, maxSurge: strategy.maxSurge }, cp);
  if (!plan.ok) return refusedPlan('rollout-control-plane', plan.reason);
  const summary = `roll out the control plane (${plural(target.replicas, 'machine')})`;
  const outdated = live.filter((m) => !isUpToDate(m, target));
  const versions = { kubernetes: desired.kubernetesVersion, talos: desired.talosVersion };
  return {
    ok: true,
    operation: 'rollout-control-plane',
    from,
    to: target.replicas,
    controlPlaneSteps: plan.steps,
    summary,
    steps: plan.steps.map(describeControlPlaneStep),
    // One control plane at a time: etcd membership changes are serial.
    ...previewReplacement('roll out the control plane', outdated, versions, 1),
  };
}

function choose({ desired, observed, deleting, strayVms = [] }: ClusterPlanInput): ClusterPlan {
  const { machines } = observed;
  const cluster = `${desired.namespace}/${desired.name}`;
  if (deleting) return { ok: true, operation: 'delete', summary: `delete ${cluster}`, steps: deleteSteps(machines) };
  if (!observed.bootstrapped) {
    const bad = refuseDesiredVersions(desired);
    if (bad) return refusedPlan('provision', bad);
    const workers = desired.machineDeployments.reduce((n, md) => n + md.replicas, 0);
    const summary = `provision ${cluster}: ${plural(desired.controlPlane.replicas, 'control-plane machine')}, ${plural(workers, 'worker')}`;
    // Nothing built before etcd was bootstrapped can be trusted to join it: an earlier attempt's machines go first.
    const leftovers = machines.map((m) => m.name);
    const steps = [...leftovers.map((name) => `remove ${name}, left by an earlier attempt`), ...provisionSteps(desired)];
    return { ok: true, operation: 'provision', leftovers, summary, steps };
  }
  const repair = planRepair(machines, strayVms);
  if (repair) {
    const steps = describeRepair(repair);
    return { ok: true, operation: 'repair', ...repair, summary: `repair ${cluster}: ${steps.join(', ')}`, steps };
  }
  if (!machines.some((m) => m.role === 'control-plane' && m.phase !== 'Deleting')) {
    return refusedPlan(
      'provision',
      'etcd was bootstrapped, but no control-plane machine is left; Capstan never bootstraps etcd twice: restore the control plane from an etcd snapshot',
    );
  }
  // Workers of a MachineDeployment that is gone go first: they would only hold an upgrade back.
  const known = new Set(desired.machineDeployments.map((md) => md.name));
  const orphan = machines.find((m) => m.role === 'worker' && m.phase !== 'Deleting' && !known.has(m.deployment ?? ''));
  if (orphan) {
    const group = machines.filter((m) => m.role === 'worker' && m.phase !== 'Deleting' && m.deployment === orphan.deployment);
    return scaleDeployment(orphan.deployment ?? '(no MachineDeployment)', group, 0, 'Oldest', `${cluster}/${desired.generation}`);
  }
  // Versions before anything else: machines created by a scale or rollout get the desired versions.
  const upgrade = planClusterUpgrade(desired, machines);
  if (upgrade && 'ok' in upgrade) return refusedPlan('upgrade', upgrade.reason);
  if (upgrade) {
    if (!upgrade.path.ok) return refusedPlan('upgrade', upgrade.path.reason);
    const { hops } = upgrade.path;
    return {
      ok: true,
      operation: 'upgrade',
      from: upgrade.from,
      to: upgrade.to,
      hops,
      summary: describeUpgrade(upgrade),
      steps: hops.map((h) => h.description),
      ...previewUpgrade(desired, machines, hops),
    };
  }
  const next =
    planControlPlane(desired, machines) ??
    desired.machineDeployments.map((md) => planDeployment(desired, md, machines)).find((p) => p !== undefined);
  return next ?? { ok: true, operation: 'none', summary: 'nothing to do', steps: [] };
}

/**
 * The next operation that brings the observed cluster toward the desired one, with its steps for
 * the dry run and the progress query. Order: delete, provision, workers of removed deployments,
 * upgrade, control-plane scale, control-plane rollout, then each MachineDeployment. A paused
 * cluster refuses whatever it would do, naming it.
 */
export function planCluster(input: ClusterPlanInput): ClusterPlan {
  const plan = choose(input);
  if (!input.desired.paused || plan.operation === 'none') return plan;
  const what = plan.ok ? plan.summary : plan.operation;
  return refusedPlan(plan.operation, `the cluster is paused; "${what}" waits until it is resumed`);
}
