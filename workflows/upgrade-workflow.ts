import { patched } from '@temporalio/workflow';
import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import type { DesiredCluster } from '../api/desired-cluster.ts';
import type { ObservedCluster } from '../api/observed-cluster.ts';
import { waits } from './activity-profiles.ts';
import { currentVersions } from './operation/current-versions.ts';
import { upgradeKubernetesInPlace, upgradeTalosInPlace } from './operation/in-place-upgrades.ts';
import { observeAgain, type OperationScope } from './operation/operation-scope.ts';
import { reconcileDeployment } from './operation/reconcile-deployment.ts';
import { runControlPlaneSteps } from './operation/run-control-plane-steps.ts';
import { refusalFailure } from './operation/refusal-failure.ts';
import { runOperation } from './operation/run-operation.ts';
import { planControlPlaneRollout } from '../plan/control-plane.ts';
import { shapeHash } from '../plan/shape-hash.ts';
import type { UpgradeHop } from '../api/cluster-plan.ts';
import { beforeChangeBackup } from './operation/before-change-backup.ts';

/** Marks runs whose Talos hops leave RollingUpdate workers to their own workers hop. */
const workersKeepTalosPatch = 'workers-keep-talos-until-their-move';

/** A planned chained upgrade: its hops in order (from planUpgradePath). */
export interface UpgradeOperation extends OperationInput {
  readonly summary: string;
  readonly hops: readonly UpgradeHop[];
}

/**
 * Runs a chained upgrade hop by hop: an etcd snapshot, Talos upgrades, control-plane Kubernetes
 * minors, worker kubelets. Each group follows its strategy: InPlace upgrades machines where they
 * are (Talos Upgrade API; machine-config patch as `talosctl upgrade-k8s`) and steps through the
 * Talos hops; RollingUpdate replaces them only in their workers hops, with that hop's kubelet and
 * Talos. Machines are upgraded one at a time; each machine is one step.
 */
export async function upgradeWorkflow(input: UpgradeOperation): Promise<OperationOutcome> {
  return runOperation(
    input,
    { kind: 'upgrade', summary: () => input.summary, steps: (desired) => upgradeStepNames(desired, input.observed, input.hops) },
    async (scope) => {
      for (const hop of input.hops) await runHop(scope, hop);
    },
  );
}

async function runHop(scope: OperationScope, hop: UpgradeHop): Promise<void> {
  const { desired, state } = scope;
  // Each hop starts from the cluster as it is now (a machine may have failed or been replaced since the plan).
  await observeAgain(scope);
  const versions = (): DesiredCluster => currentVersions(desired, state.machines());
  switch (hop.kind) {
    case 'snapshot-etcd': {
      const address = state.controlPlanes()[0]?.address ?? '';
      await scope.run.step(hop.description, () => waits.talosBackupEtcd(beforeChangeBackup(desired, address)));
      return;
    }
    case 'talos': {
      await replaceOrUpgradeControlPlane(scope, { ...versions(), talosVersion: hop.to }, (m) => upgradeTalosInPlace(scope, m, hop.to));
      // Replaced workers keep their Talos until their own workers hop builds them once; runs that
      // started before that (no marker in their history) still replace them here.
      const replaceAtTalosHops = !patched(workersKeepTalosPatch);
      for (const md of desired.machineDeployments) {
        if (md.strategy.type === 'RollingUpdate') {
          if (replaceAtTalosHops) await reconcileDeployment(scope, { ...versions(), talosVersion: hop.to }, md.name);
        } else
          for (const m of outdatedWorkers(scope, md.name, (w) => w.talosVersion !== hop.to)) await upgradeTalosInPlace(scope, m, hop.to);
      }
      return;
    }
    case 'control-plane': {
      await replaceOrUpgradeControlPlane(scope, { ...versions(), kubernetesVersion: hop.to }, (m) =>
        upgradeKubernetesInPlace(scope, versions(), m, hop.to),
      );
      return;
    }
    case 'workers': {
      for (const move of hop.deployments) {
        const md = desired.machineDeployments.find((d) => d.name === move.name);
        if (!md) continue;
        // A replaced group's new machines get both versions of this move (a plan made before moves
        // named a Talos: the control plane's).
        const target = (): DesiredCluster => {
          const now = versions();
          return {
            ...now,
            ...(move.talos && md.strategy.type === 'RollingUpdate' ? { talosVersion: move.talos.to } : {}),
            machineDeployments: now.machineDeployments.map((d) => (d.name === move.name ? { ...d, kubernetesVersion: move.to } : d)),
          };
        };
        if (md.strategy.type === 'RollingUpdate') await reconcileDeployment(scope, target(), move.name);
        else
          for (const m of outdatedWorkers(scope, move.name, (w) => w.kubernetesVersion !== move.to))
            await upgradeKubernetesInPlace(scope, target(), m, move.to);
      }
      return;
    }
  }
}

/**
 * Brings every control plane to `target`'s versions: in place one machine at a time, or by a
 * quorum-safe rolling replacement (the hop's snapshot was taken already).
 */
async function replaceOrUpgradeControlPlane(
  scope: OperationScope,
  target: DesiredCluster,
  inPlace: (machine: ReturnType<OperationScope['state']['controlPlanes']>[number]) => Promise<void>,
): Promise<void> {
  const isCurrent = (m: { kubernetesVersion: string; talosVersion: string }) =>
    m.kubernetesVersion === target.kubernetesVersion && m.talosVersion === target.talosVersion;
  const strategy = target.controlPlane.strategy;
  if (strategy.type === 'InPlace') {
    for (const m of scope.state.controlPlanes().filter((cp) => !isCurrent(cp))) await inPlace(m);
    return;
  }
  const plan = planControlPlaneRollout(
    {
      replicas: target.controlPlane.replicas,
      shapeHash: shapeHash(target.controlPlane.machine),
      kubernetesVersion: target.kubernetesVersion,
      talosVersion: target.talosVersion,
      maxSurge: strategy.maxSurge,
    },
    scope.state.machines(),
  );
  if (!plan.ok) throw refusalFailure(plan.reason);
  await runControlPlaneSteps(
    scope,
    target,
    plan.steps.filter((s) => s.kind !== 'snapshot-etcd'),
  );
}

function outdatedWorkers(
  scope: OperationScope,
  deployment: string,
  outdated: (m: { talosVersion: string; kubernetesVersion: string }) => boolean,
) {
  return scope.state.machines((m) => m.role === 'worker' && m.deployment === deployment && m.phase !== 'Deleting' && outdated(m));
}

/** The upgrade's steps for "step i of n": one per machine and hop (a replacement counts its create and delete). */
export function upgradeStepNames(desired: DesiredCluster, observed: ObservedCluster, hops: readonly UpgradeHop[]): string[] {
  const live = observed.machines.filter((m) => m.phase !== 'Deleting');
  const controlPlanes = live.filter((m) => m.role === 'control-plane').length;
  const perMachine = (inPlace: boolean, replacementSteps: number) => (inPlace ? 1 : replacementSteps);
  const names: string[] = [];
  for (const hop of hops) {
    const cpInPlace = desired.controlPlane.strategy.type === 'InPlace';
    const cpSteps = controlPlanes * perMachine(cpInPlace, 5);
    const workerSteps = (names: readonly string[]) =>
      desired.machineDeployments
        .filter((md) => names.includes(md.name))
        .reduce((n, md) => n + live.filter((m) => m.deployment === md.name).length * perMachine(md.strategy.type === 'InPlace', 2), 0);
    const count =
      hop.kind === 'snapshot-etcd'
        ? 1
        : hop.kind === 'talos'
          ? cpSteps + workerSteps(desired.machineDeployments.filter((md) => md.strategy.type === 'InPlace').map((md) => md.name))
          : hop.kind === 'control-plane'
            ? cpSteps
            : workerSteps(hop.deployments.map((d) => d.name));
    for (let i = 1; i <= count; i += 1) names.push(count === 1 ? hop.description : `${hop.description} (${i}/${count})`);
  }
  return names;
}
