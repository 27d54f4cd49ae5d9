import type { OperationInput, OperationOutcome } from '../api/cluster-operations.ts';
import { ErrorType } from '../api/errors.ts';
import { restoreStep } from '../plan/etcd-restore.ts';
import { calls, waits } from './activity-profiles.ts';
import { forMachine } from './summarized-activities.ts';
import { clusterRef } from './operation/operation-scope.ts';
import { PreconditionFailed } from './operation/operation-failures.ts';
import { runOperation } from './operation/run-operation.ts';

/** A restore an operator asked for: the snapshot (resolved when asked) and the control planes it runs on, the first receiving the snapshot. */
export interface EtcdRestoreOperation extends OperationInput {
  readonly summary: string;
  readonly snapshot: string;
  readonly controlPlanes: readonly string[];
}

/**
 * Restores the cluster's etcd from a stored snapshot the way Talos documents it, each step
 * durable and retryable: check the snapshot (its trailer and recorded hash; a bad one stops the
 * run before any node is touched), wipe etcd's data on every control plane (a node already empty
 * is left alone), upload the snapshot to the first one and bootstrap etcd from it there, wait for
 * the others to rejoin as voters, then for every control-plane node to be Ready. The workload
 * cluster's API then answers with the snapshot's state.
 */
export async function etcdRestoreWorkflow(input: EtcdRestoreOperation): Promise<OperationOutcome> {
  const steps = (): string[] => {
    const [first = '', ...others] = input.controlPlanes;
    return [
      restoreStep.check(input.snapshot),
      ...input.controlPlanes.map(restoreStep.wipe),
      restoreStep.upload(first),
      restoreStep.bootstrap(first),
      ...others.map(restoreStep.rejoin),
      restoreStep.ready,
    ];
  };
  return runOperation(input, { kind: 'etcd-restore', summary: () => input.summary, steps }, async ({ desired, state, run }) => {
    const cluster = clusterRef(desired);
    const store = desired.etcdBackup.store;
    const addressOf = (machine: string): string => {
      const address = state.machine(machine)?.address;
      if (address === undefined) throw new PreconditionFailed(ErrorType.PlanOutdated, `control plane ${machine} has no address any more`);
      return address;
    };
    // The plan never starts a restore without a control plane.
    const [first = '', ...others] = input.controlPlanes;
    const record = await run.step(restoreStep.check(input.snapshot), () => calls.etcdSnapshotCheck({ cluster, store, id: input.snapshot }));
    for (const machine of input.controlPlanes) {
      await run.step(restoreStep.wipe(machine), () => forMachine(waits, machine).talosEtcdWipe({ cluster, address: addressOf(machine) }));
    }
    await run.step(restoreStep.upload(first), () =>
      forMachine(waits, first).talosEtcdRecover({ cluster, store, id: record.id, address: addressOf(first) }),
    );
    await run.step(restoreStep.bootstrap(first), () =>
      forMachine(waits, first).talosEtcdRecoveryBootstrap({ cluster, address: addressOf(first) }),
    );
    for (const machine of others) {
      await run.step(restoreStep.rejoin(machine), () =>
        waits.talosWaitForEtcdRecovered({ cluster, addresses: [addressOf(first), addressOf(machine)] }),
      );
    }
    await run.step(restoreStep.ready, async () => {
      for (const machine of input.controlPlanes) await waits.kubernetesWaitForNodeReady({ cluster, node: { name: machine } });
    });
  });
}
