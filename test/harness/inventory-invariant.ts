// The inventory invariant every lifecycle test asserts: the VMs carrying a cluster's owner marker
// are exactly the ProxmoxMachines of that cluster in the management cluster — no VM that nothing
// records, no record without its VM (once the cluster is idle).
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

/** A VM as the Proxmox simulator lists it. */
export interface MarkedVm {
  readonly vmid: number;
  readonly node: string;
  readonly name?: string | undefined;
  readonly template: boolean;
  readonly config: Readonly<Record<string, string | number>>;
}

const marker = (namespace: string, cluster: string, machine: string): string => `capstan-machine: ${namespace}/${cluster}/${machine}`;

/** Every mismatch between the cluster's marked VMs and its ProxmoxMachines, in words; empty when they agree. */
export async function inventoryViolations(
  management: KubeConfig,
  vms: readonly MarkedVm[],
  scope: { readonly namespace?: string; readonly cluster: string },
): Promise<string[]> {
  const namespace = scope.namespace ?? 'default';
  const marked = vms.filter((vm) => {
    if (vm.template || vm.name === undefined) return false;
    const description = String(vm.config['description'] ?? '');
    return description.split('\n').some((line) => line.trim() === marker(namespace, scope.cluster, vm.name ?? ''));
  });
  const api = management.makeApiClient(CustomObjectsApi);
  const list = (await api.listNamespacedCustomObject({
    group: 'infrastructure.cluster.x-k8s.io',
    version: 'v1alpha1',
    namespace,
    plural: 'proxmoxmachines',
    labelSelector: `cluster.x-k8s.io/cluster-name=${scope.cluster}`,
  })) as { items: { metadata: { name: string } }[] };
  const recorded = new Set(list.items.map((item) => item.metadata.name));
  const violations: string[] = [];
  for (const vm of marked) {
    if (!recorded.has(vm.name ?? ''))
      violations.push(`VM ${vm.vmid} (${vm.name ?? ''}) on ${vm.node} carries ${scope.cluster}'s marker but has no ProxmoxMachine`);
  }
  const withVm = new Set(marked.map((vm) => vm.name));
  for (const name of recorded) if (!withVm.has(name)) violations.push(`ProxmoxMachine ${namespace}/${name} has no VM`);
  return violations;
}
