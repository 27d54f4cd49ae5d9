import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import type { MachineToCreate } from '../api/machine-operations.ts';
import { provisionSteps, refuseDesiredVersions } from '../plan/lifecycle-steps.ts';
import { toDelete } from '../plan/machine-spec.ts';
import { calls } from './activity-profiles.ts';
import { createMachineChild, deleteMachineChild, updateTalosconfigEndpoints } from './operation/machine-children.ts';
import { clusterRef, newMachineName } from './operation/operation-scope.ts';
import { refusalFailure } from './operation/refusal-failure.ts';
import { runOperation } from './operation/run-operation.ts';
import { endpointClaimName } from '../api/ipam.ts';

/** Workers of one MachineDeployment built at once: enough to be quick, few enough for Proxmox. */
const workerConcurrency = 3;

/** A planned provisioning: what an earlier attempt left is removed first. */
export interface ProvisionOperation extends OperationInput {
  readonly summary: string;
  /** Machines an earlier attempt built before etcd was ever bootstrapped. */
  readonly leftovers: readonly string[];
}

/**
 * Builds a cluster from nothing: what an earlier attempt left → secrets and endpoint → first
 * control plane (bootstraps etcd, kubeconfig into its Secret) → the other control planes one by
 * one → workers, a few at a time. Each machine is a child workflow, so its own steps show (and
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
      const [reserve, firstControlPlane, storeSecrets, ...rest] = provisionSteps(desired);
      const endpoint = await run.step(reserve ?? 'reserve', async () => {
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
      await run.step(firstControlPlane ?? 'first', () =>
        build({ name: controlPlaneNames[0] ?? name('cp'), role: 'control-plane', bootstrap: true }),
      );
      await run.step(storeSecrets ?? 'secrets', () => updateTalosconfigEndpoints(scope));
      for (let n = 2; n <= desired.controlPlane.replicas; n += 1) {
        // Each new control plane joins the talosconfig's endpoints as soon as it is up.
        await run.step(rest.shift() ?? `control plane ${n}`, async () => {
          await build({ name: controlPlaneNames[n - 1] ?? name('cp'), role: 'control-plane', bootstrap: false });
          await updateTalosconfigEndpoints(scope);
        });
      }
      for (const md of desired.machineDeployments.filter((d) => d.replicas > 0)) {
        const workers = Array.from({ length: md.replicas }, () => ({
          name: name(md.name),
          role: 'worker' as const,
          deployment: md.name,
          bootstrap: false,
        }));
        await run.step(rest.shift() ?? md.name, () => inBatches(workers, workerConcurrency, build));
      }
      await run.step(rest.shift() ?? 'ready', () => Promise.resolve()); // every child returned only once its node was Ready
    },
  );
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}
