import { describe, expect, it } from 'vitest';
import type { LifecycleActivities } from '../../activities/lifecycle-activities.ts';
import { activitySummary, onMachine, type ActivityName } from '../../workflows/activity-summaries.ts';

const cluster = { namespace: 'default', name: 'demo' };
const vm = {
  cluster: 'default/demo',
  machine: 'demo-cp-a9021',
  templateVmid: 9000,
  allowedNodes: ['pve1', 'pve2'],
  cores: 2,
  memoryMiB: 4096,
  diskGiB: 20,
  address: { ip: '10.0.0.11', prefix: 24 },
};
const ref = { vmid: 105, node: 'pve2' };
const talos = { cluster, address: '10.0.0.11' };
const pool = {
  namespace: 'default',
  cluster: 'demo',
  poolName: 'demo-pool',
  pool: { addresses: ['10.0.0.10-10.0.0.50'], prefix: 24 },
  owner: 'demo-cp-a9021',
};
const s3 = { kind: 's3', namespace: 'default', secretName: 'etcd-bucket' } as const;
const onNode = { cluster, node: { name: 'demo-md-0-e1db4' } };
const secretPatch = 'machine:\n  token: SECRET-TOKEN-abc\n  ca: { crt: SECRET-CA, key: SECRET-KEY }';

// Every activity, with arguments a workflow passes and the line the Web UI shows for them.
const cases: { readonly [K in ActivityName]: readonly [Parameters<LifecycleActivities[K]>, string] } = {
  kubernetesWaitForNodeReady: [
    [{ ...onNode, kubeletVersion: 'v1.35.0' }],
    'wait for node demo-md-0-e1db4 of default/demo to be Ready with kubelet v1.35.0',
  ],
  kubernetesCordonNode: [[onNode], 'cordon node demo-md-0-e1db4 of default/demo'],
  kubernetesUncordonNode: [[{ cluster, node: { labelSelector: 'role=web' } }], 'uncordon node matching role=web of default/demo'],
  kubernetesDrainNode: [
    [{ ...onNode, timeoutSeconds: 300, onTimeout: 'Proceed' }],
    'drain node demo-md-0-e1db4 of default/demo (PodDisruptionBudgets respected; after 300s: proceed)',
  ],
  kubernetesDeleteNode: [[onNode], 'delete node demo-md-0-e1db4 of default/demo'],
  kubernetesNodeVersions: [[onNode], 'read the versions of node demo-md-0-e1db4 of default/demo'],
  etcdSnapshotCheck: [[{ cluster, store: s3, id: 'snap-1' }], 'check etcd snapshot snap-1 of default/demo in S3 (default/etcd-bucket)'],
  talosEtcdRecover: [
    [{ ...talos, store: { kind: 'worker-directory' }, id: 'snap-1' }],
    "upload etcd snapshot snap-1 of default/demo from the worker's snapshot directory to 10.0.0.11",
  ],
  talosBackupEtcd: [
    [{ ...talos, label: 'before upgrade', reason: 'before-change', store: undefined, retention: undefined }],
    "back up etcd of default/demo from 10.0.0.11 to the worker's snapshot directory (before-change: before upgrade)",
  ],
  etcdSnapshotList: [[{ cluster, store: s3 }], 'list the etcd snapshots of default/demo in S3 (default/etcd-bucket)'],
  talosApplyConfig: [[{ ...talos, machine: 'demo-cp-a9021', mode: undefined }], 'apply the machine config of demo-cp-a9021 to 10.0.0.11'],
  talosWaitForApid: [
    [{ ...talos, expectedVersion: 'v1.12.0', timeoutSeconds: undefined }],
    'wait for the Talos API on 10.0.0.11 to run Talos v1.12.0',
  ],
  talosBootstrap: [[{ cluster, controlPlaneAddresses: ['10.0.0.11'] }], 'bootstrap etcd of default/demo on 10.0.0.11'],
  talosFetchKubeconfig: [[talos], 'fetch the admin kubeconfig of default/demo from 10.0.0.11'],
  talosRenewCredentials: [[cluster], 'check the talosconfig and admin kubeconfig of default/demo and renew them if due'],
  talosVersion: [[talos], 'read the Talos version of 10.0.0.11'],
  talosServices: [[talos], 'list the Talos services of 10.0.0.11'],
  talosEtcdMembers: [[talos], 'list the etcd members of default/demo from 10.0.0.11'],
  talosEtcdForfeitLeadership: [[talos], 'move etcd leadership away from 10.0.0.11'],
  talosEtcdLeaveCluster: [[talos], '10.0.0.11 leaves etcd'],
  talosEtcdRemoveMember: [[{ ...talos, memberId: '8e9e05c52164694d' }], 'remove etcd member 8e9e05c52164694d through 10.0.0.11'],
  talosEtcdSnapshot: [[{ ...talos, path: '/tmp/snap.db' }], 'take an etcd snapshot of default/demo from 10.0.0.11'],
  talosWaitForEtcdMember: [[{ ...talos, member: 'demo-cp-b7f01' }], 'wait for demo-cp-b7f01 to be a voting etcd member (asking 10.0.0.11)'],
  talosEtcdWipe: [[talos], 'wipe the etcd data of 10.0.0.11'],
  talosEtcdRecoveryBootstrap: [
    [{ ...talos, skipHashCheck: true }],
    'bootstrap etcd of default/demo on 10.0.0.11 from the uploaded snapshot (hash check skipped)',
  ],
  talosWaitForEtcdRecovered: [
    [{ cluster, addresses: ['10.0.0.11', '10.0.0.12'] }],
    'wait for etcd of default/demo to be healthy on 10.0.0.11, 10.0.0.12',
  ],
  talosUpgrade: [
    [{ ...talos, image: 'factory.talos.dev/installer/abc:v1.12.0', api: undefined, stage: true, force: undefined }],
    'upgrade Talos on 10.0.0.11 to v1.12.0 (staged)',
  ],
  talosReboot: [[{ ...talos, mode: 'powercycle' }], 'reboot 10.0.0.11 (power cycle)'],
  talosReset: [
    [{ ...talos, graceful: true, reboot: false, wipe: 'system-disk', systemPartitions: undefined }],
    'reset 10.0.0.11 (wipe system-disk)',
  ],
  talosEnsureClusterSecrets: [[cluster], 'make sure the Talos cluster secrets of default/demo exist'],
  talosWriteTalosconfig: [[cluster, ['10.0.0.11', '10.0.0.12']], 'point the talosconfig of default/demo at 10.0.0.11, 10.0.0.12'],
  talosRenderMachineConfig: [
    [
      cluster,
      'demo-cp-a9021',
      {
        machineType: 'controlplane',
        clusterName: 'demo',
        controlPlaneEndpoint: 'https://10.0.0.10:6443',
        kubernetesVersion: 'v1.35.0',
        installerImage: 'factory.talos.dev/installer/abc:v1.12.0',
        configPatches: secretPatch,
        strategicPatches: [{ machine: { token: 'SECRET-TOKEN-def' } }],
      },
    ],
    'render the controlplane machine config of demo-cp-a9021 (default/demo, Kubernetes v1.35.0)',
  ],
  talosRemoveMachineConfig: [[cluster, 'demo-cp-a9021'], 'remove the machine config of demo-cp-a9021 (default/demo)'],
  talosRemoveClusterSecrets: [[cluster, ['a', 'b', 'c']], 'remove the Talos secrets of default/demo and 3 machine configs'],
  clusterPreflight: [
    [{ proxmoxObject: 'ProxmoxCluster default/demo', credentials: undefined, allowedNodes: ['pve1'], groups: [] }],
    'check that Proxmox (ProxmoxCluster default/demo) can build 0 machine groups on pve1',
  ],
  observeCluster: [
    [{ namespace: 'default', name: 'demo', proxmoxCredentials: undefined }],
    'observe default/demo: Proxmox, Talos, etcd, Kubernetes and the inventory',
  ],
  inventoryRecordIntent: [
    [
      {
        cluster,
        machine: 'demo-cp-a9021',
        role: 'control-plane',
        kubernetesVersion: 'v1.35.0',
        talosVersion: 'v1.12.0',
        shapeHash: 'abc',
        bootstrap: true,
        vm: { templateVmid: 9000, allowedNodes: [], cores: 2, memoryMiB: 4096, diskGiB: 20 },
      },
    ],
    'record control-plane demo-cp-a9021 of default/demo (Kubernetes v1.35.0, Talos v1.12.0) before building it',
  ],
  inventoryRecordVm: [
    [{ cluster, machine: 'demo-cp-a9021', ...ref, providerID: 'proxmox://x' }],
    "record VM 105 on pve2 as demo-cp-a9021's",
  ],
  inventoryRecordVersions: [
    [cluster, 'demo-cp-a9021', { kubernetesVersion: undefined, talosVersion: 'v1.12.0' }],
    'record demo-cp-a9021 of default/demo at Talos v1.12.0',
  ],
  inventoryRequestDelete: [[cluster, 'demo-md-0-e1db4'], 'mark demo-md-0-e1db4 of default/demo as deleting'],
  inventoryRelease: [[cluster, 'demo-md-0-e1db4'], 'remove demo-md-0-e1db4 from the inventory of default/demo'],
  inventoryReleaseAll: [[cluster], 'remove every machine of default/demo from the inventory'],
  inventoryRecordEvent: [
    [cluster, { kind: 'Machine', name: 'demo-cp-a9021', type: 'Warning', reason: 'Remediating', message: 'node not Ready for 5m' }],
    'record a Warning event Remediating on Machine demo-cp-a9021 (default/demo)',
  ],
  recordHealthChecks: [[cluster, []], 'record 0 MachineHealthCheck results of default/demo'],
  ipamAllocate: [[pool], 'allocate an address for demo-cp-a9021 from pool demo-pool'],
  ipamReserve: [[pool, '10.0.0.10'], 'reserve 10.0.0.10 for demo-cp-a9021 in pool demo-pool'],
  ipamRelease: [[{ namespace: 'default', owner: 'demo-cp-a9021' }], 'release the address of demo-cp-a9021'],
  proxmoxChooseNode: [[vm], 'choose a Proxmox node for demo-cp-a9021 among pve1, pve2 (2 cores, 4096 MiB, 20 GiB)'],
  proxmoxEnsureVm: [[vm, 'pve2', { cloneFirst: true }], 'clone VM demo-cp-a9021 from template 9000 on pve2'],
  proxmoxConfigureVm: [[vm, ref], 'configure VM 105 (demo-cp-a9021) on pve2: 2 cores, 4096 MiB, 20 GiB'],
  proxmoxStartVm: [[vm, ref], 'start VM 105 (demo-cp-a9021) on pve2'],
  proxmoxWaitForAddress: [[vm, ref], 'wait for VM 105 (demo-cp-a9021) on pve2 to report 10.0.0.11'],
  proxmoxDestroyVm: [[vm, undefined], 'destroy the VM of demo-cp-a9021, if it has one'],
};

describe('activity summaries', () => {
  it.each(Object.entries(cases))('%s', (name, [args, expected]) => {
    const summary = activitySummary(name as ActivityName, args);
    expect(summary).toBe(expected);
    expect(summary.length).toBeLessThanOrEqual(120);
  });

  it('never carries a Talos patch, a token or a key into the summary', () => {
    const [args] = cases.talosRenderMachineConfig;
    expect(activitySummary('talosRenderMachineConfig', args)).not.toMatch(/SECRET|token|patch/i);
  });

  it('names the VM and its node once it has one', () => {
    expect(activitySummary('proxmoxDestroyVm', [vm, ref])).toBe('destroy VM 105 (demo-cp-a9021) on pve2');
  });

  it('names the machine first where a call knows only its address, once', () => {
    expect(
      onMachine(
        'demo-cp-a9021',
        activitySummary('talosWaitForApid', [{ ...talos, expectedVersion: undefined, timeoutSeconds: undefined }]),
      ),
    ).toBe('demo-cp-a9021: wait for the Talos API on 10.0.0.11');
    expect(onMachine('demo-cp-a9021', 'start VM 105 (demo-cp-a9021) on pve2')).toBe('start VM 105 (demo-cp-a9021) on pve2');
    expect(onMachine('m', 'x'.repeat(200))).toHaveLength(120);
  });
});
