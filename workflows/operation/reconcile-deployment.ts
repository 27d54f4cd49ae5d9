import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { outdatedPlanFailure, refusalFailure } from './refusal-failure.ts';
import { rolloutStep } from '../../plan/rollout.ts';
import { planScale } from '../../plan/scale.ts';
import { shapeHash } from '../../plan/shape-hash.ts';
import { createMachineChild, deleteMachineChild } from './machine-children.ts';
import { newMachineName, observeAgain, operationLabel, type OperationScope } from './operation-scope.ts';
import { toDelete } from '../../plan/machine-spec.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Brings one MachineDeployment to the spec in `versions`, one batch per step: a RollingUpdate
 * asks `rolloutStep` after every batch (CAPI's maxSurge/maxUnavailable arithmetic on what is
 * Ready now, observed again before every batch); InPlace groups and removed deployments only
 * scale. Creates and deletes of a batch run in parallel, each as a machine child workflow.
 */
export async function reconcileDeployment(scope: OperationScope, versions: DesiredCluster, deployment: string): Promise<void> {
  const md = versions.machineDeployments.find((d) => d.name === deployment);
  const replicas = md?.replicas ?? 0;
  const seed = `${operationLabel()}/${deployment}`;
  // A rollout of n machines needs at most 2n + 2 batches; more means it cannot progress.
  const inGroup = () => scope.state.machines((m) => m.role === 'worker' && m.deployment === deployment);
  const limit = 2 * (inGroup().length + replicas) + 2;
  for (let batch = 1; batch <= limit; batch += 1) {
    // Each batch is decided on what is there now, not on what the last one was meant to do.
    await observeAgain(scope);
    const group = inGroup();
    const decision =
      md?.strategy.type === 'RollingUpdate'
        ? rolloutStep(
            {
              replicas,
              shapeHash: shapeHash(md.machine),
              kubernetesVersion: md.kubernetesVersion ?? versions.kubernetesVersion,
              talosVersion: versions.talosVersion,
              maxSurge: md.strategy.maxSurge,
              maxUnavailable: md.strategy.maxUnavailable,
              deletePolicy: md.deletePolicy,
              seed,
            },
            group,
          )
        : { ok: true as const, ...planScale({ replicas, machines: group, deletePolicy: md?.deletePolicy ?? 'Oldest', seed }), done: false };
    if (!decision.ok) throw refusalFailure(decision.reason);
    if (decision.done || (decision.create === 0 && decision.delete.length === 0)) {
      if (decision.done || group.every((m) => m.phase === 'Running' && m.ready)) return;
      throw outdatedPlanFailure(
        `the rollout of ${deployment} cannot go on: machines it waits for are not Ready and nothing builds them (${group
          .filter((m) => !m.ready)
          .map((m) => m.name)
          .join(', ')})`,
      );
    }
    const names = Array.from({ length: decision.create }, () => newMachineName(versions, deployment));
    const parts = [
      ...(names.length > 0 ? [`create ${plural(names.length, 'machine')}`] : []),
      ...(decision.delete.length > 0 ? [`delete ${decision.delete.join(', ')}`] : []),
    ];
    await scope.run.step(`${deployment}: ${parts.join(' and ')}`, () =>
      Promise.all([
        ...names.map((name) => createMachineChild(scope, versions, { name, role: 'worker', deployment, bootstrap: false })),
        ...decision.delete.map((name) => {
          const machine = scope.state.machine(name);
          return machine ? deleteMachineChild(scope, toDelete(machine)) : Promise.resolve();
        }),
      ]),
    );
  }
  throw refusalFailure(`the rollout of ${deployment} did not converge in ${limit} batches`);
}
