import type { LifecycleActivities } from '../activities/lifecycle-activities.ts';
import type { ClusterRef } from '../api/cluster-ref.ts';
import type { SnapshotStoreRef } from '../api/etcd-snapshots.ts';
import { oneLine } from '../plan/one-line.ts';

/** The name of an activity the lifecycle workflows call. */
export type ActivityName = keyof LifecycleActivities;

/**
 * One line per activity type, built from the call's arguments only: the Web UI shows it on the
 * activity in the run's timeline instead of the bare type name. Each picks names, addresses, IDs
 * and versions and never copies a whole argument, so a Talos patch, a key or a kubeconfig cannot
 * reach the history through it. The mapped type makes a new activity without a line fail to compile.
 */
const summaries: { readonly [K in ActivityName]: (...args: Parameters<LifecycleActivities[K]>) => string } = {
  kubernetesWaitForNodeReady: (i) =>
    `wait for node ${node(i.node)} of ${key(i.cluster)} to be Ready${i.kubeletVersion ? ` with kubelet ${i.kubeletVersion}` : ''}`,
  kubernetesCordonNode: (i) => `cordon node ${node(i.node)} of ${key(i.cluster)}`,
  kubernetesUncordonNode: (i) => `uncordon node ${node(i.node)} of ${key(i.cluster)}`,
  kubernetesDrainNode: (i) =>
    `drain node ${node(i.node)} of ${key(i.cluster)} (PodDisruptionBudgets respected; after ${i.timeoutSeconds ?? 600}s: ${
      (i.onTimeout ?? 'Block') === 'Block' ? 'block' : 'proceed'
    })`,
  kubernetesDeleteNode: (i) => `delete node ${node(i.node)} of ${key(i.cluster)}`,
  kubernetesNodeVersions: (i) => `read the versions of node ${node(i.node)} of ${key(i.cluster)}`,
  etcdSnapshotCheck: (i) => `check etcd snapshot ${i.id} of ${key(i.cluster)} in ${store(i.store)}`,
  talosEtcdRecover: (i) => `upload etcd snapshot ${i.id} of ${key(i.cluster)} from ${store(i.store)} to ${i.address}`,
  talosBackupEtcd: (i) => `back up etcd of ${key(i.cluster)} from ${i.address} to ${store(i.store)} (${i.reason ?? 'manual'}: ${i.label})`,
  etcdSnapshotList: (i) => `list the etcd snapshots of ${key(i.cluster)} in ${store(i.store)}`,
  talosApplyConfig: (i) => `apply the machine config of ${i.machine} to ${i.address}${i.mode ? ` (${i.mode})` : ''}`,
  talosWaitForApid: (i) => `wait for the Talos API on ${i.address}${i.expectedVersion ? ` to run Talos ${i.expectedVersion}` : ''}`,
  talosBootstrap: (i) => `bootstrap etcd of ${key(i.cluster)} on ${i.controlPlaneAddresses.join(', ')}`,
  talosFetchKubeconfig: (i) => `fetch the admin kubeconfig of ${key(i.cluster)} from ${i.address}`,
  talosRenewCredentials: (cluster) => `check the talosconfig and admin kubeconfig of ${key(cluster)} and renew them if due`,
  talosVersion: (i) => `read the Talos version of ${i.address}`,
  talosServices: (i) => `list the Talos services of ${i.address}`,
  talosEtcdMembers: (i) => `list the etcd members of ${key(i.cluster)} from ${i.address}`,
  talosEtcdForfeitLeadership: (i) => `move etcd leadership away from ${i.address}`,
  talosEtcdLeaveCluster: (i) => `${i.address} leaves etcd`,
  talosEtcdRemoveMember: (i) => `remove etcd member ${i.memberId} through ${i.address}`,
  talosEtcdSnapshot: (i) => `take an etcd snapshot of ${key(i.cluster)} from ${i.address}`,
  talosWaitForEtcdMember: (i) => `wait for ${i.member} to be a voting etcd member (asking ${i.address})`,
  talosEtcdWipe: (i) => `wipe the etcd data of ${i.address}`,
  talosEtcdRecoveryBootstrap: (i) =>
    `bootstrap etcd of ${key(i.cluster)} on ${i.address} from the uploaded snapshot${i.skipHashCheck ? ' (hash check skipped)' : ''}`,
  talosWaitForEtcdRecovered: (i) => `wait for etcd of ${key(i.cluster)} to be healthy on ${i.addresses.join(', ')}`,
  // The installer image's tag is the version; its registry path and schematic would crowd the line out.
  talosUpgrade: (i) => `upgrade Talos on ${i.address} to ${imageTag(i.image)}${i.stage ? ' (staged)' : ''}${i.force ? ' (forced)' : ''}`,
  talosReboot: (i) => `reboot ${i.address}${i.mode === 'powercycle' ? ' (power cycle)' : ''}`,
  talosReset: (i) => `reset ${i.address}${i.wipe ? ` (wipe ${i.wipe})` : ''}`,
  talosEnsureClusterSecrets: (cluster) => `make sure the Talos cluster secrets of ${key(cluster)} exist`,
  talosWriteTalosconfig: (cluster, endpoints) => `point the talosconfig of ${key(cluster)} at ${endpoints.join(', ')}`,
  talosRenderMachineConfig: (cluster, machine, config) =>
    `render the ${config.machineType} machine config of ${machine} (${key(cluster)}, Kubernetes ${config.kubernetesVersion})`,
  talosRemoveMachineConfig: (cluster, machine) => `remove the machine config of ${machine} (${key(cluster)})`,
  talosRemoveClusterSecrets: (cluster, machines) =>
    `remove the Talos secrets of ${key(cluster)} and ${count(machines.length, 'machine config')}`,
  clusterPreflight: (i) =>
    `check that Proxmox (${i.proxmoxObject}) can build ${count(i.groups.length, 'machine group')} on ${nodes(i.allowedNodes)}`,
  observeCluster: (i) => `observe ${i.namespace}/${i.name}: Proxmox, Talos, etcd, Kubernetes and the inventory`,
  inventoryRecordIntent: (i) =>
    `record ${i.role} ${i.machine} of ${key(i.cluster)} (Kubernetes ${i.kubernetesVersion}, Talos ${i.talosVersion}) before building it`,
  inventoryRecordVm: (i) => `record VM ${i.vmid} on ${i.node} as ${i.machine}'s`,
  inventoryRecordVersions: (cluster, machine, v) =>
    `record ${machine} of ${key(cluster)} at ${[v.kubernetesVersion && `Kubernetes ${v.kubernetesVersion}`, v.talosVersion && `Talos ${v.talosVersion}`].filter(Boolean).join(', ') || 'unchanged versions'}`,
  inventoryRequestDelete: (cluster, machine) => `mark ${machine} of ${key(cluster)} as deleting`,
  inventoryRelease: (cluster, machine) => `remove ${machine} from the inventory of ${key(cluster)}`,
  inventoryReleaseAll: (cluster) => `remove every machine of ${key(cluster)} from the inventory`,
  inventoryRecordEvent: (cluster, event) => `record a ${event.type} event ${event.reason} on ${event.kind} ${event.name} (${key(cluster)})`,
  recordHealthChecks: (cluster, results) => `record ${count(results.length, 'MachineHealthCheck result')} of ${key(cluster)}`,
  ipamAllocate: (r) => `allocate an address for ${r.owner} from pool ${r.poolName}`,
  ipamReserve: (r, address) => `reserve ${address} for ${r.owner} in pool ${r.poolName}`,
  ipamRelease: (r) => `release the address of ${r.owner}`,
  proxmoxChooseNode: (s) =>
    `choose a Proxmox node for ${s.machine} among ${nodes(s.allowedNodes)} (${s.cores} cores, ${s.memoryMiB} MiB, ${s.diskGiB} GiB)`,
  proxmoxEnsureVm: (s, onNode) => `clone VM ${s.machine} from template ${s.templateVmid} on ${onNode}`,
  proxmoxConfigureVm: (s, vm) =>
    `configure VM ${vm.vmid} (${s.machine}) on ${vm.node}: ${s.cores} cores, ${s.memoryMiB} MiB, ${s.diskGiB} GiB`,
  proxmoxStartVm: (s, vm) => `start VM ${vm.vmid} (${s.machine}) on ${vm.node}`,
  proxmoxWaitForAddress: (s, vm) => `wait for VM ${vm.vmid} (${s.machine}) on ${vm.node} to report ${s.address.ip}`,
  proxmoxDestroyVm: (s, vm) =>
    vm === undefined ? `destroy the VM of ${s.machine}, if it has one` : `destroy VM ${vm.vmid} (${s.machine}) on ${vm.node}`,
};

/** The Web UI's one-line summary of one activity call. */
export function activitySummary<K extends ActivityName>(name: K, args: Parameters<LifecycleActivities[K]>): string {
  // TypeScript cannot relate `summaries[name]` to `args` for a generic K; the mapped type above holds them together.
  const summarize = summaries[name] as (...a: Parameters<LifecycleActivities[K]>) => string;
  return oneLine(summarize(...args));
}

/** A summary that names its machine first, unless it does already. */
export function onMachine(machine: string, summary: string): string {
  return summary.includes(machine) ? summary : oneLine(`${machine}: ${summary}`);
}

const imageTag = (image: string): string => image.slice(image.lastIndexOf(':') + 1) || image;
const key = (cluster: ClusterRef): string => `${cluster.namespace}/${cluster.name}`;
const node = (selector: { readonly name: string } | { readonly labelSelector: string }): string =>
  'name' in selector ? selector.name : `matching ${selector.labelSelector}`;
const nodes = (names: readonly string[]): string => (names.length === 0 ? 'any node' : names.join(', '));
const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const store = (ref: SnapshotStoreRef | undefined): string =>
  ref === undefined || ref.kind === 'worker-directory' ? "the worker's snapshot directory" : `S3 (${ref.namespace}/${ref.secretName})`;
