import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { talosInstallerImage } from '../../api/talos/installer-image.ts';
import { calls as anyCalls, slowCalls as anySlowCalls, waits as anyWaits } from '../activity-profiles.ts';
import { forMachine } from '../summarized-activities.ts';
import { createMachineInput, drainOf, machineConfig } from '../../plan/machine-spec.ts';
import { clusterRef, type OperationScope } from './operation-scope.ts';

/**
 * Upgrades Talos on one machine, as `talosctl upgrade` does: cordon, drain, Upgrade (the node
 * reboots into the new version), wait for the new version, Ready (and a voting etcd member for
 * control planes), uncordon. Re-running the step is safe: a node already on `to` is not upgraded again.
 * A rollback blocks the step with TalosUpgradeFailed; retry runs the upgrade again.
 */
export async function upgradeTalosInPlace(scope: OperationScope, machine: ObservedMachine, to: string): Promise<void> {
  const cluster = clusterRef(scope.desired);
  // Talos calls know the machine by its address only: their summaries name it.
  const calls = forMachine(anyCalls, machine.name);
  const waits = forMachine(anyWaits, machine.name);
  const slowCalls = forMachine(anySlowCalls, machine.name);
  const talosNode = { cluster, address: machine.address ?? '' };
  const node = { cluster, node: { name: machine.name } };
  await scope.run.step(`upgrade Talos on ${machine.name} ${machine.talosVersion} → ${to}`, async () => {
    const running = await calls.talosVersion(talosNode);
    if (running.tag !== to) {
      await calls.kubernetesCordonNode(node);
      await waits.kubernetesDrainNode({ ...node, ...drainOf(scope.desired, machine) });
      await slowCalls.talosUpgrade({ ...talosNode, image: talosInstallerImage(to, scope.desired.talos.schematicId) });
    }
    await waits.talosWaitForApid({ ...talosNode, expectedVersion: to, timeoutSeconds: 20 * 60 });
    await waits.kubernetesWaitForNodeReady(node);
    if (machine.role === 'control-plane') await waits.talosWaitForEtcdMember({ ...talosNode, member: machine.name });
    await calls.kubernetesUncordonNode(node);
    await calls.inventoryRecordVersions(cluster, machine.name, { talosVersion: to });
    scope.state.update(machine.name, { talosVersion: to });
  });
}

/**
 * Moves one machine's Kubernetes components to `to` as `talosctl upgrade-k8s` does: its machine
 * config is rendered again with the new component images and applied without a reboot; done once
 * the kubelet reports `to` and the node is Ready. `versions` holds the rest of the machine's spec.
 */
export async function upgradeKubernetesInPlace(
  scope: OperationScope,
  versions: DesiredCluster,
  machine: ObservedMachine,
  to: string,
): Promise<void> {
  const cluster = clusterRef(scope.desired);
  const calls = forMachine(anyCalls, machine.name);
  const waits = forMachine(anyWaits, machine.name);
  const endpoint = scope.state.observed.controlPlaneEndpoint ?? '';
  await scope.run.step(`upgrade Kubernetes on ${machine.name} ${machine.kubernetesVersion} → ${to}`, async () => {
    const spec = createMachineInput(
      versions,
      { name: machine.name, role: machine.role, bootstrap: false, ...(machine.deployment ? { deployment: machine.deployment } : {}) },
      endpoint,
    );
    const address = machine.staticAddress ?? { ip: machine.address ?? '', prefix: 32, dns: [] };
    await calls.talosRenderMachineConfig(
      cluster,
      machine.name,
      machineConfig({ ...spec.config, kubernetesVersion: to }, machine.name, address, machine.providerID),
    );
    await calls.talosApplyConfig({ cluster, address: address.ip, machine: machine.name, mode: 'no-reboot' });
    await waits.kubernetesWaitForNodeReady({ cluster, node: { name: machine.name }, kubeletVersion: to });
    await calls.inventoryRecordVersions(cluster, machine.name, { kubernetesVersion: to });
    scope.state.update(machine.name, { kubernetesVersion: to });
  });
}
