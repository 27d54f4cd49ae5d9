import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import type { MachineToCreate } from '../api/machine-operations.ts';
import { provisionStepNames, provisionSteps, refuseDesiredVersions } from '../plan/lifecycle-steps.ts';
import { toDelete } from '../plan/machine-spec.ts';
import { calls, waits } from './activity-profiles.ts';
import { createMachineChild, deleteMachineChild, updateTalosconfigEndpoints } from './operation/machine-children.ts';
import { clusterRef, newMachineName, type OperationScope } from './operation/operation-scope.ts';
import { refusalFailure } from './operation/refusal-failure.ts';
import { runOperation } from './operation/run-operation.ts';
import { endpointClaimName } from '../api/ipam.ts';

/** A planned provisioning: what an earlier attempt left is removed first. */
export interface ProvisionOperation extends OperationInput {
  readonly summary: string;
  /** Machines an earlier attempt built before etcd was ever bootstrapped. */
  readonly leftovers: readonly string[];
}

/**
 * Builds a cluster from nothing: what an earlier attempt left → secrets and endpoint → every
 * machine at once, as far as the infrastructure's own order allows: the first control plane
 * bootstraps etcd and stores the kubeconfig, the others join etcd one after the other, workers
 * register once the Kubernetes API answers. Each machine is a child workflow, so its own steps show (and
 * block) in the UI, and each records itself in the management cluster before it is built: if this
 * run is interrupted anywhere, the next observation finds every machine it made.
 */
export async function provisionWorkflow(input: ProvisionOperation): Promise<OperationOutcome> {
  return runOperation(
    input,
    {
      kind: 'provision',
      summary: () => input.summary,
      steps: (desired) => [...input.leftovers.map((n) => `remove ${n}`), ...provisionSteps(desired)],
    },
    async (scope) => {
      const { desired, state, run } = scope;
      const refusal = refuseDesiredVersions(desired);
      if (refusal) throw refusalFailure(`cannot provision: ${refusal}`);
      const cluster = clusterRef(desired);
      for (const name of input.leftovers) {
        const machine = state.machine(name);
        // Nothing was ever bootstrapped: a leftover holds no etcd member and no Node worth draining.
        if (machine) await run.step(`remove ${name}`, () => deleteMachineChild(scope, toDelete(machine), { detached: true }));
      }
      const stepNames = provisionStepNames(desired);
      const endpoint = await run.step(stepNames.reserve, async () => {
        await calls.talosEnsureClusterSecrets(cluster);
        const request = {
          namespace: desired.namespace,
          cluster: desired.name,
          poolName: desired.network.poolName,
          pool: desired.network.ipv4Pool,
          owner: endpointClaimName(desired.name),
        };
        const fixed = desired.network.controlPlaneEndpoint?.host;
        const address = fixed ? await calls.ipamReserve(request, fixed) : await calls.ipamAllocate(request);
        await calls.talosWriteTalosconfig(cluster, [address.ip]);
        return address.ip;
      });
      state.replace({ ...state.observed, controlPlaneEndpoint: endpoint });
      const build = (machine: MachineToCreate) => createMachineChild(scope, desired, machine);
      const name = (group: string) => newMachineName(desired, group);

      // Names are drawn once, before any step: a retried step must build the same machine again.
      const controlPlaneNames = Array.from({ length: desired.controlPlane.replicas }, () => name('cp'));
      const [firstName = name('cp'), ...joiningNames] = controlPlaneNames;
      const workerGroups = desired.machineDeployments
        .filter((md) => md.replicas > 0)
        .map((md) => ({ md, names: Array.from({ length: md.replicas }, () => name(md.name)) }));

      // Every machine is built at once (clones queue at the storage's limit): the first control
      // plane bootstraps etcd, the others install meanwhile and then join etcd one after the other
      // (etcd admits one learner at a time), workers register once the Kubernetes API answers.
      const first = run.step(stepNames.firstControlPlane, async () => {
        await build({ name: firstName, role: 'control-plane', bootstrap: true });
        await updateTalosconfigEndpoints(scope);
      });
      let joined: Promise<unknown> = first;
      const joins = joiningNames.map((machine, i) => {
        const previous = joined;
        const step = run.step(stepNames.joiningControlPlanes[i] ?? `control plane ${i + 2}`, async () => {
          await build({ name: machine, role: 'control-plane', bootstrap: false, alongsideControlPlane: true });
          await previous;
          await waitUntilVoting(scope, machine);
          // Each new control plane joins the talosconfig's endpoints as soon as it votes.
          await updateTalosconfigEndpoints(scope);
        });
        joined = step;
        return step;
      });
      const workers = workerGroups.map(({ md, names }) =>
        run.step(stepNames.workers.get(md.name) ?? md.name, () =>
          Promise.all(
            names.map((machine) =>
              build({ name: machine, role: 'worker', deployment: md.name, bootstrap: false, alongsideControlPlane: true }),
            ),
          ),
        ),
      );
      await settled([first, ...joins, ...workers]);
      await run.step(stepNames.ready, () => Promise.resolve()); // every child returned only once its node was Ready
    },
  );
}

/** Waits for every branch; the first failure (an abort) is thrown once all have ended, so none runs on unobserved. */
async function settled(branches: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(branches);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A joining control plane counts once etcd promoted it to a voting member. */
async function waitUntilVoting(scope: OperationScope, machine: string): Promise<void> {
  const peer = scope.state.controlPlanes().find((m) => m.name !== machine && m.phase === 'Running' && m.address);
  if (!peer?.address) return;
  await waits.talosWaitForEtcdMember({ cluster: clusterRef(scope.desired), address: peer.address, member: machine });
}
