import { upsertSearchAttributes } from '@temporalio/workflow';
import { clusterKey } from '../api/cluster-ref.ts';
import type { CreateMachineInput, CreatedMachine } from '../api/machine-operations.ts';
import { CapstanCluster, CapstanOperation } from '../api/search-attributes.ts';
import { machineConfig } from '../plan/machine-spec.ts';
import { calls as anyCalls, waits as anyWaits } from './activity-profiles.ts';
import { forMachine } from './summarized-activities.ts';
import { abortsAsFailure } from './operation/operation-failures.ts';
import { OperationRunner } from './operation/operation-runner.ts';

const steps = [
  'record the machine',
  'allocate address',
  'choose Proxmox node',
  'clone VM',
  'record the VM',
  'configure VM',
  'render machine config',
  'start VM',
  'apply machine config',
  'wait for Talos API',
  'bootstrap etcd',
  'fetch kubeconfig',
  'wait for node Ready',
] as const;

/**
 * Builds one machine: its intent (Machine + ProxmoxMachine) before its VM, then VM (recorded on
 * the ProxmoxMachine and Machine with its providerID) → config → Talos → Kubernetes node Ready.
 * Every step is an idempotent activity, so the workflow resumes from any step after a crash or a
 * retry, and whatever happens to the run, the next observation finds the machine and its VM.
 */
export async function createMachineWorkflow(input: CreateMachineInput): Promise<CreatedMachine> {
  return abortsAsFailure(() => createMachineSteps(input));
}

async function createMachineSteps(input: CreateMachineInput): Promise<CreatedMachine> {
  const { cluster, machine } = input;
  // Talos calls know the machine by its address only: their summaries name it.
  const calls = forMachine(anyCalls, machine);
  const waits = forMachine(anyWaits, machine);
  upsertSearchAttributes([
    { key: CapstanCluster, value: clusterKey(cluster) },
    { key: CapstanOperation, value: 'create-machine' },
  ]);
  const planned = input.bootstrap ? steps : steps.filter((s) => s !== 'bootstrap etcd' && s !== 'fetch kubeconfig');
  const run = new OperationRunner('create-machine', `create ${input.role} ${machine}`, planned, {
    reportTo: input.reportTo,
    machine,
    cluster,
  });

  // The machine is on record before its VM is cloned; its address and node are chosen meanwhile.
  const [, { address, vmSpec, node }] = await Promise.all([
    run.step('record the machine', () => calls.inventoryRecordIntent(input.intent)),
    (async () => {
      const allocated = await run.step('allocate address', () =>
        calls.ipamAllocate({ namespace: cluster.namespace, cluster: cluster.name, ...input.pool, owner: machine }),
      );
      const spec = { ...input.vm, cluster: clusterKey(cluster), machine, address: allocated };
      return { address: allocated, vmSpec: spec, node: await run.step('choose Proxmox node', () => calls.proxmoxChooseNode(spec)) };
    })(),
  ]);
  // Control planes first: the cluster's critical path runs through them.
  const cloned = await run.step('clone VM', () => waits.proxmoxEnsureVm(vmSpec, node, { cloneFirst: input.role === 'control-plane' }));
  let vm = { node: cloned.node, vmid: cloned.vmid };
  await run.step('record the VM', () => calls.inventoryRecordVm({ cluster, machine, ...vm, providerID: cloned.providerID }));
  vm = await run.step('configure VM', () => waits.proxmoxConfigureVm(vmSpec, vm));
  const config = machineConfig(input.config, machine, address, cloned.providerID);
  await run.step('render machine config', () => calls.talosRenderMachineConfig(cluster, machine, config));
  vm = await run.step('start VM', () => waits.proxmoxStartVm(vmSpec, vm));
  const talosNode = { cluster, address: address.ip };
  await run.step('apply machine config', () => calls.talosApplyConfig({ ...talosNode, machine }));
  await run.step('wait for Talos API', () => waits.talosWaitForApid(talosNode));
  if (input.bootstrap) {
    await run.step('bootstrap etcd', () => calls.talosBootstrap({ cluster, controlPlaneAddresses: [address.ip] }));
    await run.step('fetch kubeconfig', () => waits.talosFetchKubeconfig(talosNode));
  }
  const awaitKubeconfig = input.alongsideControlPlane === true ? { awaitKubeconfig: true } : {};
  const ready = await run.step('wait for node Ready', () =>
    waits.kubernetesWaitForNodeReady({ cluster, node: { name: machine }, ...awaitKubeconfig }),
  );
  run.succeed();
  return { machine, address, vm, providerID: cloned.providerID, kubeletVersion: ready.kubeletVersion };
}
