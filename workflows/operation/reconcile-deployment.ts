import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { outdatedPlanFailure, refusalFailure } from './refusal-failure.ts';
import { rolloutStep } from '../../plan/rollout.ts';
import { planScale } from '../../plan/scale.ts';
import { shapeHash } from '../../plan/shape-hash.ts';
import { createMachineChild, deleteMachineChild } from './machine-children.ts';
import { newMachineName, observeAgain, operationLabel, type OperationScope } from './operation-scope.ts';
import { toDelete } from '../../plan/machine-spec.ts';

/**
 * Brings one MachineDeployment to the spec in `versions`, keeping exactly as many machines in
 * flight as the strategy allows: whenever a create or a delete ends, the cluster is observed again
 * and `rolloutStep` (CAPI's maxSurge/maxUnavailable arithmetic on what is Ready now, counting what
 * is still being built or removed) says what may start — the next machine starts the moment a slot
 * frees, not when a whole batch is done. InPlace groups and removed deployments only scale. Each
 * create and delete is its own step and machine child workflow.
 */
export async function reconcileDeployment(scope: OperationScope, versions: DesiredCluster, deployment: string): Promise<void> {
  const md = versions.machineDeployments.find((d) => d.name === deployment);
  const replicas = md?.replicas ?? 0;
  const seed = `${operationLabel()}/${deployment}`;
  const inGroup = () => scope.state.machines((m) => m.role === 'worker' && m.deployment === deployment);
  // A rollout of n machines creates and deletes each at most once; more means it cannot progress.
  const limit = 2 * (inGroup().length + replicas) + 2;
  const inFlight = new Map<string, { readonly record: () => ObservedMachine | undefined; readonly done: Promise<string> }>();
  let started = 0;
  for (;;) {
    // Each decision is made on what is there now, not on what the last one was meant to do.
    await observeAgain(scope);
    keepInFlight(scope, inFlight);
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
    const deletes = decision.delete.filter((name) => !inFlight.has(name));
    if (inFlight.size === 0 && (decision.done || (decision.create === 0 && deletes.length === 0))) {
      if (decision.done || group.every((m) => m.phase === 'Running' && m.ready)) return;
      throw outdatedPlanFailure(
        `the rollout of ${deployment} cannot go on: machines it waits for are not Ready and nothing builds them (${group
          .filter((m) => !m.ready)
          .map((m) => m.name)
          .join(', ')})`,
      );
    }
    started += decision.create + deletes.length;
    if (started > limit) throw refusalFailure(`the rollout of ${deployment} did not converge after ${limit} machine changes`);
    for (let i = 0; i < decision.create; i += 1) {
      const name = newMachineName(versions, deployment);
      const done = scope.run
        .step(`${deployment}: create ${name}`, () =>
          createMachineChild(scope, versions, { name, role: 'worker', deployment, bootstrap: false }),
        )
        .then(() => name);
      // Counted at once, before its child records it: the next decision must see the slot taken.
      const record: ObservedMachine = {
        name,
        role: 'worker',
        deployment,
        kubernetesVersion: md?.kubernetesVersion ?? versions.kubernetesVersion,
        talosVersion: versions.talosVersion,
        shapeHash: md ? shapeHash(md.machine) : '',
        phase: 'Provisioning',
        ready: false,
        createdAt: new Date().toISOString(),
      };
      scope.state.put(record);
      inFlight.set(name, { record: () => scope.state.machine(name) ?? record, done: handled(done) });
    }
    for (const name of deletes) {
      const machine = scope.state.machine(name);
      if (!machine) continue;
      const done = scope.run.step(`${deployment}: delete ${name}`, () => deleteMachineChild(scope, toDelete(machine))).then(() => name);
      inFlight.set(name, { record: () => ({ ...machine, phase: 'Deleting' }), done: handled(done) });
    }
    if (inFlight.size === 0) continue;
    // The next decision waits for the first machine in flight to end (an abort ends them all).
    inFlight.delete(await Promise.race([...inFlight.values()].map((f) => f.done)));
  }
}

/** A machine's step may end in an abort while another one is awaited: its failure is seen by the next race, never unhandled. */
function handled(done: Promise<string>): Promise<string> {
  done.catch(() => undefined);
  return done;
}

/**
 * An observation made while machines are being built or removed may not show them yet (a child
 * that has not recorded its Machine) or may show a removal as still Running: the machines in
 * flight keep the state this operation knows they are in, so no slot is counted twice.
 */
function keepInFlight(scope: OperationScope, inFlight: ReadonlyMap<string, { readonly record: () => ObservedMachine | undefined }>): void {
  for (const [name, flight] of inFlight) {
    const seen = scope.state.machine(name);
    const known = flight.record();
    if (known === undefined) continue;
    if (known.phase === 'Deleting') scope.state.put({ ...(seen ?? known), phase: 'Deleting' });
    else if (seen === undefined) scope.state.put(known);
  }
}
