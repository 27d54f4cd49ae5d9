import { ActivityFailure, ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import { clusterKey } from '../api/cluster-ref.ts';
import { ErrorType } from '../api/errors.ts';
import type { DeleteMachineInput } from '../api/machine-operations.ts';
import { CapstanCluster, CapstanOperation } from '../api/search-attributes.ts';
import { calls as anyCalls, waits as anyWaits } from './activity-profiles.ts';
import { forMachine } from './summarized-activities.ts';
import { abortsAsFailure } from './operation/operation-failures.ts';
import { OperationRunner } from './operation/operation-runner.ts';

/**
 * Removes one machine: its Machine is marked as deleting first (so an interrupted delete is found
 * and finished by the next observation), then cordon → drain (bounded, PDBs respected) → leave
 * etcd (control planes) → destroy the VM → delete the Node → release the address and config, and
 * last the Machine and ProxmoxMachine. The Node goes after the VM, as in CAPI: a kubelet still
 * running would register it again. Each step is idempotent: a VM already gone, a Node never
 * registered or a cluster never bootstrapped are all fine.
 */
export async function deleteMachineWorkflow(input: DeleteMachineInput): Promise<void> {
  return abortsAsFailure(() => deleteMachineSteps(input));
}

async function deleteMachineSteps(input: DeleteMachineInput): Promise<void> {
  const { cluster, machine } = input;
  // Talos calls know the machine by its address only: their summaries name it.
  const calls = forMachine(anyCalls, machine);
  const waits = forMachine(anyWaits, machine);
  upsertSearchAttributes([
    { key: CapstanCluster, value: clusterKey(cluster) },
    { key: CapstanOperation, value: 'delete-machine' },
  ]);
  const inCluster = !input.detached;
  const controlPlane = inCluster && input.role === 'control-plane' && input.address !== undefined && !input.etcdLeft;
  const steps = [
    'mark the machine as deleting',
    ...(inCluster ? ['cordon node', 'drain node'] : []),
    ...(controlPlane ? ['forfeit etcd leadership', 'leave etcd'] : []),
    'destroy VM',
    ...(inCluster ? ['delete node'] : []),
    'release address',
    'remove machine config',
    'remove the machine',
  ];
  const run = new OperationRunner('delete-machine', `delete ${input.role} ${machine}`, steps, {
    reportTo: input.reportTo,
    machine,
    cluster,
  });
  const node = { cluster, node: { name: machine } };

  await run.step('mark the machine as deleting', () => calls.inventoryRequestDelete(cluster, machine));
  if (inCluster) {
    await run.step('cordon node', () => calls.kubernetesCordonNode(node).catch(unlessNoCluster(false)));
    await run.step('drain node', () =>
      waits
        .kubernetesDrainNode({ ...node, timeoutSeconds: input.drainTimeoutSeconds ?? 600, onTimeout: input.drainTimeoutAction ?? 'Block' })
        .catch(unlessNoCluster(undefined)),
    );
  }
  if (controlPlane) {
    const talosNode = { cluster, address: input.address ?? '' };
    await run.step('forfeit etcd leadership', () => calls.talosEtcdForfeitLeadership(talosNode));
    await run.step('leave etcd', () => calls.talosEtcdLeaveCluster(talosNode));
  }
  await run.step('destroy VM', () => waits.proxmoxDestroyVm(input.vmSpec, input.vm));
  if (inCluster) await run.step('delete node', () => calls.kubernetesDeleteNode(node).catch(unlessNoCluster(undefined)));
  await run.step('release address', () => calls.ipamRelease({ namespace: cluster.namespace, owner: machine }));
  await run.step('remove machine config', () => calls.talosRemoveMachineConfig(cluster, machine));
  await run.step('remove the machine', () => calls.inventoryRelease(cluster, machine));
  run.succeed();
}

// A cluster that was never bootstrapped has no kubeconfig Secret and no Node to care about.
function unlessNoCluster<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === ErrorType.SecretNotFound) return fallback;
    throw error;
  };
}
