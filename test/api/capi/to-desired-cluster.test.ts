import { describe, expect, it } from 'vitest';
import { defaultVersionCatalog } from '../../../api/capi/default-version-catalog.ts';
import { describeIssue, objectsFromManifests, toDesiredCluster, type MappingResult } from '../../../api/capi/to-desired-cluster.ts';
import type { DesiredCluster } from '../../../api/desired-cluster.ts';
import { at, demoManifests, loadManifests, manifest, type Manifest } from './manifests.ts';

const demo = { namespace: 'default', name: 'demo' };

function map(documents: readonly Manifest[], cluster = demo): MappingResult {
  return toDesiredCluster(cluster, objectsFromManifests(documents));
}

/** The mapping and its warnings. */
function mapped(documents: readonly Manifest[], cluster = demo): { desired: DesiredCluster; warnings: string[] } {
  const result = map(documents, cluster);
  if (!result.ok) throw new Error(`expected a mapping, got:\n${result.errors.map(describeIssue).join('\n')}`);
  return { desired: result.desired, warnings: result.warnings.map(describeIssue) };
}

function errorsOf(documents: readonly Manifest[], cluster = demo): string[] {
  const result = map(documents, cluster);
  if (result.ok) throw new Error('expected errors, the mapping succeeded');
  return result.errors.map(describeIssue);
}

const workerShape = {
  cores: 2,
  sockets: 2,
  memoryMiB: 8192,
  diskGiB: 40,
  templateVmid: 9000,
  bridge: 'vmbr1',
  vlan: 30,
  installDisk: '/dev/sda',
};
const workerPatches = {
  strategicPatches: [],
  configPatches: [{ op: 'add', path: '/machine/kubelet/extraArgs', value: { 'rotate-server-certificates': 'true' } }],
};

describe('toDesiredCluster', () => {
  it("passes the ProxmoxCluster's credentialsRef on without a warning, in the ProxmoxCluster's namespace unless it names another (as CAPMOX)", () => {
    const result = map(demoManifests());
    expect(result.warnings.map(describeIssue)).toEqual([]);
    const documents = demoManifests();
    at(manifest(documents, 'ProxmoxCluster', 'demo'), 'spec').credentialsRef = { name: 'pve', namespace: 'capmox-system' };
    expect(mapped(documents).desired.proxmox.credentialsRef).toEqual({ name: 'pve', namespace: 'capmox-system' });
    at(manifest(documents, 'ProxmoxCluster', 'demo'), 'spec').credentialsRef = { name: 'pve', namespace: '' };
    expect(mapped(documents).desired.proxmox.credentialsRef).toEqual({ name: 'pve', namespace: 'default' });
  });

  it("maps a realistic CAPI + Talos + Proxmox cluster onto the workflows' input", () => {
    const { desired, warnings } = mapped(demoManifests());
    expect(warnings).toEqual([]);
    expect(desired).toEqual({
      namespace: 'default',
      name: 'demo',
      generation: 0,
      kubernetesVersion: 'v1.33.4',
      talosVersion: 'v1.11.5',
      controlPlane: {
        replicas: 3,
        machine: {
          cores: 2,
          sockets: 1,
          memoryMiB: 4096,
          diskGiB: 20,
          templateVmid: 9000,
          storage: 'local-lvm',
          bridge: 'vmbr0',
          installDisk: '/dev/sda',
        },
        strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
        nodeDrainTimeoutSeconds: 600,
        talos: {
          strategicPatches: [
            'machine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7445\ncluster:\n  proxy:\n    disabled: true\n',
          ],
          configPatches: [
            { op: 'replace', path: '/machine/install/disk', value: '/dev/sda' },
            { op: 'add', path: '/machine/kubelet/extraArgs', value: { 'rotate-server-certificates': 'true' } },
          ],
        },
        sources: { template: 'demo-control-plane', config: 'demo-control-plane' },
      },
      machineDeployments: [
        {
          name: 'demo-md-0',
          replicas: 2,
          machine: workerShape,
          kubernetesVersion: 'v1.33.4',
          strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
          deletePolicy: 'Oldest',
          nodeDrainTimeoutSeconds: 300,
          talos: workerPatches,
          sources: { template: 'demo-workers', config: 'demo-workers' },
        },
        {
          name: 'demo-md-1',
          replicas: 4,
          machine: workerShape,
          kubernetesVersion: 'v1.33.4',
          strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
          deletePolicy: 'Random',
          nodeDrainTimeoutSeconds: 600,
          talos: workerPatches,
          sources: { template: 'demo-workers', config: 'demo-workers' },
        },
      ],
      proxmox: {
        allowedNodes: ['pve1', 'pve2', 'pve3'],
        vmIdRange: { start: 1000, end: 1999 },
        credentialsRef: { name: 'demo-proxmox-credentials', namespace: 'default' },
        source: 'demo',
      },
      network: {
        poolName: 'demo',
        ipv4Pool: { addresses: ['10.10.10.20-10.10.10.60'], prefix: 24, gateway: '10.10.10.1', dnsServers: ['10.10.10.1', '1.1.1.1'] },
        controlPlaneEndpoint: { host: '10.10.10.5', port: 6443 },
        podSubnets: ['10.244.0.0/16'],
        serviceSubnets: ['10.96.0.0/12'],
      },
      talos: { strategicPatches: [], configPatches: [] },
      versionCatalog: defaultVersionCatalog,
      paused: false,
      healthChecks: [],
      observeIntervalSeconds: 60,
      strayVmGraceSeconds: 600,
      etcdBackup: { intervalSeconds: 21_600, keepLast: 10, maxAgeSeconds: 86_400, store: { kind: 'worker-directory' } },
    });
  });

  it("fills in CAPI's defaults for what a minimal manifest leaves out", () => {
    const documents = demoManifests();
    const tcp = manifest(documents, 'TalosControlPlane', 'demo-control-plane');
    const tcpSpec = at(tcp, 'spec');
    delete tcpSpec.replicas;
    delete tcpSpec.rolloutStrategy;
    delete at(manifest(documents, 'Cluster', 'demo'), 'spec').clusterNetwork;
    const proxmox = at(manifest(documents, 'ProxmoxCluster', 'demo'), 'spec');
    delete proxmox.controlPlaneEndpoint;
    delete proxmox.credentialsRef;
    const md = at(manifest(documents, 'MachineDeployment', 'demo-md-0'), 'spec');
    delete md.replicas;
    delete md.strategy;
    delete at(manifest(documents, 'MachineDeployment', 'demo-md-0'), 'spec.template.spec').version;

    const { desired } = mapped(documents);
    expect(desired.controlPlane.replicas).toBe(1);
    expect(desired.controlPlane.strategy).toEqual({ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 });
    expect(desired.network.podSubnets).toEqual(['10.244.0.0/16']);
    expect(desired.network.serviceSubnets).toEqual(['10.96.0.0/12']);
    expect(desired.network.controlPlaneEndpoint).toBeUndefined();
    expect(desired.proxmox.credentialsRef).toBeUndefined();
    const [md0] = desired.machineDeployments;
    expect(md0).toMatchObject({
      name: 'demo-md-0',
      replicas: 1,
      strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
      deletePolicy: 'Random',
    });
    expect(md0?.kubernetesVersion).toBeUndefined();
  });

  it("takes the endpoint from the Cluster when only it has one, and pauses on CAPI's annotation", () => {
    const documents = demoManifests();
    delete at(manifest(documents, 'ProxmoxCluster', 'demo'), 'spec').controlPlaneEndpoint;
    const cluster = manifest(documents, 'Cluster', 'demo');
    at(cluster, 'spec').controlPlaneEndpoint = { host: '10.10.10.6', port: 0 };
    cluster.metadata.annotations = { 'cluster.x-k8s.io/paused': '' };
    const { desired } = mapped(documents);
    expect(desired.network.controlPlaneEndpoint).toEqual({ host: '10.10.10.6', port: 6443 });
    expect(desired.paused).toBe(true);
  });

  it('marks an endpoint declared an external load balancer, which may lie outside the subnet and use any port', () => {
    const documents = demoManifests();
    const proxmoxCluster = manifest(documents, 'ProxmoxCluster', 'demo');
    proxmoxCluster.metadata.annotations = { 'capstan.dev/control-plane-endpoint': ' External-Load-Balancer ' };
    at(proxmoxCluster, 'spec').controlPlaneEndpoint = { host: '192.168.50.10', port: 443 };
    expect(mapped(documents).desired.network.controlPlaneEndpoint).toEqual({
      host: '192.168.50.10',
      port: 443,
      externalLoadBalancer: true,
    });
    const explicitVip = demoManifests();
    manifest(explicitVip, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/control-plane-endpoint': 'talos-vip' };
    expect(mapped(explicitVip).desired.network.controlPlaneEndpoint).toEqual({ host: '10.10.10.5', port: 6443 });
  });

  it('reads the version catalog from the ConfigMap the Cluster names', () => {
    const documents = demoManifests();
    manifest(documents, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/version-catalog': 'fleet-versions' };
    at(manifest(documents, 'TalosControlPlane', 'demo-control-plane'), 'spec').version = 'v1.36.1';
    manifest(documents, 'TalosControlPlane', 'demo-control-plane').metadata.annotations = { 'capstan.dev/talos-version': 'v1.13.2' };
    at(manifest(documents, 'TalosControlPlane', 'demo-control-plane'), 'spec.controlPlaneConfig.controlplane').talosVersion = 'v1.13';
    for (const name of ['demo-md-0', 'demo-md-1'])
      at(manifest(documents, 'MachineDeployment', name), 'spec.template.spec').version = 'v1.36.1';
    const catalog = 'kubernetes: [v1.35.3, v1.36.1]\ntalos:\n  - {version: v1.13.2, kubernetesMin: v1.31, kubernetesMax: v1.36}\n';
    documents.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fleet-versions', namespace: 'default' },
      data: { 'catalog.yaml': catalog },
    });

    const { desired, warnings } = mapped(documents);
    expect(desired.kubernetesVersion).toBe('v1.36.1');
    expect(desired.talosVersion).toBe('v1.13.2');
    expect(desired.versionCatalog).toEqual({
      kubernetes: ['v1.35.3', 'v1.36.1'],
      talos: [{ version: 'v1.13.2', kubernetesMin: 'v1.31', kubernetesMax: 'v1.36' }],
    });
    // The workers' TalosConfigTemplate still says v1.11: one Talos per cluster, so that is reported.
    expect(warnings).toEqual([
      "TalosConfigTemplate default/demo-workers spec.template.spec.talosVersion: v1.11.5 is ignored: a cluster runs one Talos version, the control plane's v1.13.2",
    ]);
  });

  it("reads only the cluster's own objects: other namespaces and other clusters' MachineDeployments are left out", () => {
    const documents = demoManifests();
    const elsewhere = demoManifests().map((d) => ({ ...d, metadata: { ...d.metadata, namespace: 'team-b' } }));
    const otherMd = structuredClone(manifest(documents, 'MachineDeployment', 'demo-md-1'));
    otherMd.metadata.name = 'other-md-0';
    at(otherMd, 'spec').clusterName = 'other';
    // A broken status is Capstan's own output, never a reason to refuse the spec.
    manifest(documents, 'Cluster', 'demo').status = { conditions: [{ type: 'Ready', status: 'Maybe' }] };
    const { desired } = mapped([...documents, ...elsewhere, otherMd]);
    expect(desired.machineDeployments.map((md) => md.name)).toEqual(['demo-md-0', 'demo-md-1']);
  });

  it("places VMs on the templates' source nodes when the ProxmoxCluster names none, and says so", () => {
    const documents = demoManifests();
    delete at(manifest(documents, 'ProxmoxCluster', 'demo'), 'spec').allowedNodes;
    at(manifest(documents, 'ProxmoxMachineTemplate', 'demo-workers'), 'spec.template.spec').sourceNode = 'pve2';
    const { desired, warnings } = mapped(documents);
    expect(desired.proxmox.allowedNodes).toEqual(['pve1', 'pve2']);
    expect(warnings).toEqual([
      "ProxmoxCluster default/demo spec.allowedNodes: is empty: Capstan places every VM on the templates' source nodes (pve1, pve2)",
    ]);
  });

  it("maps InPlace, Capstan's Talos-native strategy, for both the control plane and workers", () => {
    const documents = demoManifests();
    at(manifest(documents, 'TalosControlPlane', 'demo-control-plane'), 'spec').rolloutStrategy = { type: 'InPlace' };
    at(manifest(documents, 'MachineDeployment', 'demo-md-0'), 'spec').strategy = { type: 'InPlace' };
    const { desired } = mapped(documents);
    expect(desired.controlPlane.strategy).toEqual({ type: 'InPlace' });
    expect(desired.machineDeployments[0]?.strategy).toEqual({ type: 'InPlace' });
  });

  it('drains for as long as CAPI\'s nodeDrainTimeout says, and reports its "forever"', () => {
    const documents = demoManifests();
    at(manifest(documents, 'MachineDeployment', 'demo-md-0'), 'spec.template.spec').nodeDrainTimeout = '1h30m';
    at(manifest(documents, 'MachineDeployment', 'demo-md-1'), 'spec.template.spec').nodeDrainTimeout = '0s';
    const { desired, warnings } = mapped(documents);
    expect(desired.machineDeployments.map((md) => md.nodeDrainTimeoutSeconds)).toEqual([5400, 600]);
    expect(warnings).toEqual([
      'MachineDeployment default/demo-md-1 spec.template.spec.nodeDrainTimeout: 0 (drain without a time limit) is not supported: Capstan blocks a drain after 600 s and waits for an operator',
    ]);
  });

  it('lets a drain held past its timeout proceed, as Cluster API does, where the annotation asks', () => {
    const documents = demoManifests();
    manifest(documents, 'MachineDeployment', 'demo-md-0').metadata.annotations = { 'capstan.dev/drain-timeout-action': 'proceed' };
    manifest(documents, 'TalosControlPlane', 'demo-control-plane').metadata.annotations = { 'capstan.dev/drain-timeout-action': 'Block' };
    const { desired } = mapped(documents);
    expect(desired.machineDeployments.map((md) => md.drainTimeoutAction)).toEqual(['Proceed', undefined]);
    expect(desired.controlPlane.drainTimeoutAction).toBe('Block');
    manifest(documents, 'MachineDeployment', 'demo-md-1').metadata.annotations = { 'capstan.dev/drain-timeout-action': 'skip' };
    expect(errorsOf(documents)).toEqual([
      'MachineDeployment default/demo-md-1 metadata.annotations[capstan.dev/drain-timeout-action]: must be block (a drain still held after nodeDrainTimeout blocks its step, naming the PodDisruptionBudget) or proceed (the machine goes on without finishing its drain, as Cluster API does), not skip',
    ]);
  });

  it('reports every field it accepts but does not act on', () => {
    const { desired, warnings } = mapped(loadManifests('unsupported-fields.yaml'), { namespace: 'default', name: 'legacy' });
    expect(desired.talosVersion).toBe('v1.11.5');
    expect(warnings.sort()).toEqual(
      [
        "ProxmoxCluster default/legacy spec.allowedNodes: is empty: Capstan places every VM on the templates' source nodes (pve2)",
        'ProxmoxCluster default/legacy spec.schedulerHints: is not supported by Capstan and is ignored: Capstan places VMs on the allowed node with the most free memory',
        'Cluster default/legacy spec.clusterNetwork.apiServerPort: is not supported by Capstan and is ignored: Talos API servers listen on 6443',
        'Cluster default/legacy spec.clusterNetwork.serviceDomain: is not supported by Capstan and is ignored: clusters use cluster.local',
        "TalosControlPlane default/legacy-cp spec.controlPlaneConfig.controlplane.talosVersion: v1.11 names a minor: Capstan installs v1.11.5, the catalog's latest v1.11 patch, and follows newer patches the catalog gains; write v1.11.5 (or set capstan.dev/talos-version) to pin it",
        "ProxmoxMachineTemplate default/legacy spec.template.spec.format: is not supported by Capstan and is ignored: Capstan clones with the storage's default disk format",
        'ProxmoxMachineTemplate default/legacy spec.template.spec.pool: is not supported by Capstan and is ignored: Capstan does not add VMs to Proxmox resource pools',
        'ProxmoxMachineTemplate default/legacy spec.template.spec.metadataSettings: is not supported by Capstan and is ignored: Talos reads no cloud-init metadata from Capstan',
        "ProxmoxMachineTemplate default/legacy spec.template.spec.network.default.model: is not supported by Capstan and is ignored: Capstan keeps the template NIC's model",
        'TalosControlPlane default/legacy-cp spec.controlPlaneConfig.init: is deprecated by CACPPT and ignored: every control-plane machine uses controlPlaneConfig.controlplane',
        "TalosConfigTemplate default/legacy-workers spec.template.spec.talosVersion: v1.10 is ignored: a cluster runs one Talos version, the control plane's v1.11.5",
      ].sort(),
    );
  });
});

type Edit = (documents: Manifest[]) => void;
const tcpSpec = (d: Manifest[]) => at(manifest(d, 'TalosControlPlane', 'demo-control-plane'), 'spec');
const tcpConfig = (d: Manifest[]) => at(manifest(d, 'TalosControlPlane', 'demo-control-plane'), 'spec.controlPlaneConfig.controlplane');
const cpTemplate = (d: Manifest[]) => at(manifest(d, 'ProxmoxMachineTemplate', 'demo-control-plane'), 'spec.template.spec');
const workerTemplate = (d: Manifest[]) => at(manifest(d, 'ProxmoxMachineTemplate', 'demo-workers'), 'spec.template.spec');
const workerConfig = (d: Manifest[]) => at(manifest(d, 'TalosConfigTemplate', 'demo-workers'), 'spec.template.spec');
const md0 = (d: Manifest[]) => at(manifest(d, 'MachineDeployment', 'demo-md-0'), 'spec');
const proxmox = (d: Manifest[]) => at(manifest(d, 'ProxmoxCluster', 'demo'), 'spec');
const clusterSpec = (d: Manifest[]) => at(manifest(d, 'Cluster', 'demo'), 'spec');
const without =
  (kind: string, name: string): Edit =>
  (d) => {
    d.splice(d.indexOf(manifest(d, kind, name)), 1);
  };

describe('toDesiredCluster refuses what it cannot build, naming the object and field', () => {
  it.each<[string, Edit, string]>([
    [
      'an even control plane',
      (d) => {
        tcpSpec(d).replicas = 2;
      },
      'TalosControlPlane default/demo-control-plane spec.replicas: must be odd (1, 3, 5 or 7) to keep an etcd quorum',
    ],
    ['a missing Cluster', without('Cluster', 'demo'), 'Cluster default/demo: does not exist'],
    [
      'a missing TalosControlPlane',
      without('TalosControlPlane', 'demo-control-plane'),
      'Cluster default/demo spec.controlPlaneRef: TalosControlPlane default/demo-control-plane does not exist; create it or fix the reference',
    ],
    [
      'a missing worker template',
      without('ProxmoxMachineTemplate', 'demo-workers'),
      'MachineDeployment default/demo-md-0 spec.template.spec.infrastructureRef: ProxmoxMachineTemplate default/demo-workers does not exist; create it or fix the reference',
    ],
    [
      'a missing TalosConfigTemplate',
      without('TalosConfigTemplate', 'demo-workers'),
      'MachineDeployment default/demo-md-0 spec.template.spec.bootstrap.configRef: TalosConfigTemplate default/demo-workers does not exist; create it or fix the reference',
    ],
    [
      'a kubeadm control plane',
      (d) => {
        clusterSpec(d).controlPlaneRef = {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
          kind: 'KubeadmControlPlane',
          name: 'demo-control-plane',
        };
      },
      'Cluster default/demo spec.controlPlaneRef.kind: must be TalosControlPlane, not KubeadmControlPlane: Capstan manages Talos clusters on Proxmox VE only',
    ],
    [
      'a reference into another namespace',
      (d) => {
        clusterSpec(d).infrastructureRef = { kind: 'ProxmoxCluster', name: 'demo', namespace: 'infra' };
      },
      "Cluster default/demo spec.infrastructureRef.namespace: must be the cluster's namespace default: a cluster's objects live in one namespace",
    ],
    [
      'a cluster without an infrastructure reference',
      (d) => {
        delete clusterSpec(d).infrastructureRef;
      },
      'Cluster default/demo spec.infrastructureRef: is required: it must name a ProxmoxCluster',
    ],
    [
      'a template chosen by tags',
      (d) => {
        delete cpTemplate(d).templateID;
        cpTemplate(d).templateSelector = { matchTags: ['talos'] };
      },
      'ProxmoxMachineTemplate default/demo-control-plane spec.template.spec.templateSelector: is not supported: Capstan clones by VMID; set templateID (and sourceNode) instead',
    ],
    [
      'a VM size left to the template',
      (d) => {
        delete workerTemplate(d).numCores;
      },
      'ProxmoxMachineTemplate default/demo-workers spec.template.spec.numCores: is required: Capstan sizes every VM explicitly, e.g. 2',
    ],
    [
      'a boot disk other than scsi0',
      (d) => {
        workerTemplate(d).disks = { bootVolume: { disk: 'virtio0', sizeGb: 40 } };
      },
      "ProxmoxMachineTemplate default/demo-workers spec.template.spec.disks.bootVolume.disk: must be scsi0, not virtio0: Capstan resizes the template's scsi0 disk",
    ],
    [
      'too little memory',
      (d) => {
        workerTemplate(d).memoryMiB = 512;
      },
      'ProxmoxMachineTemplate default/demo-workers spec.template.spec.memoryMiB: must be at least 1024 MiB: Talos does not boot with less',
    ],
    [
      'templates with different VMID ranges',
      (d) => {
        workerTemplate(d).vmIDRange = { start: 2000, end: 2999 };
      },
      'ProxmoxMachineTemplate default/demo-workers spec.template.spec.vmIDRange: 2000-2999 differs from 1000-1999 of ProxmoxMachineTemplate demo-control-plane: Capstan uses one VMID range per cluster; give every template the same range',
    ],
    [
      'OnDelete workers',
      (d) => {
        md0(d).strategy = { type: 'OnDelete' };
      },
      'MachineDeployment default/demo-md-0 spec.strategy.type: OnDelete is not supported: Capstan replaces or upgrades machines itself; use RollingUpdate (new VMs) or InPlace (Talos upgrade in place)',
    ],
    [
      'a rollout that can neither add nor remove',
      (d) => {
        md0(d).strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
      },
      'MachineDeployment default/demo-md-0 spec.strategy.rollingUpdate: maxSurge and maxUnavailable cannot both be 0: a rollout could neither add nor remove a machine',
    ],
    [
      'a single control plane that would be removed first',
      (d) => {
        tcpSpec(d).replicas = 1;
        tcpSpec(d).rolloutStrategy = { rollingUpdate: { maxSurge: 0 } };
      },
      'TalosControlPlane default/demo-control-plane spec.rolloutStrategy.rollingUpdate.maxSurge: 0 removes a control-plane machine before its replacement joins, which 1 etcd member(s) cannot survive; use 1, or 3 or more replicas',
    ],
    [
      'a worker config of the wrong type',
      (d) => {
        workerConfig(d).generateType = 'controlplane';
      },
      'TalosConfigTemplate default/demo-workers spec.template.spec.generateType: must be worker here, not controlplane',
    ],
    [
      'a hand-written machine config',
      (d) => {
        workerConfig(d).generateType = 'none';
        workerConfig(d).data = 'version: v1alpha1';
      },
      'TalosConfigTemplate default/demo-workers spec.template.spec.generateType: none (a hand-written config in data) is not supported: use worker and express changes as strategicPatches or configPatches',
    ],
    [
      'templated patches',
      (d) => {
        tcpConfig(d).variables = [{ name: 'vip', value: '10.10.10.5' }];
      },
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.variables: is not supported: Capstan applies patches as written, without Go templates',
    ],
    [
      'a strategic patch that is a list',
      (d) => {
        tcpConfig(d).strategicPatches = ['- op: add\n  path: /machine/x\n'];
      },
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.strategicPatches[0]: must be a partial machine config (a YAML mapping); RFC 6902 operations belong in configPatches',
    ],
    [
      'a strategic patch that is not YAML',
      (d) => {
        tcpConfig(d).strategicPatches = ['machine: [unclosed'];
      },
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.strategicPatches[0]: is not valid YAML: ',
    ],
    [
      'an RFC 6902 patch with a bad op',
      (d) => {
        tcpConfig(d).configPatches = [{ op: 'merge', path: '/machine' }];
      },
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.configPatches[0].op: Invalid option: expected one of "add"|"remove"|"replace"|"move"|"copy"|"test"',
    ],
    [
      'no Talos version',
      (d) => {
        delete tcpConfig(d).talosVersion;
      },
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.talosVersion: is required by Capstan: the Talos version to install, e.g. v1.11.5 (or set the capstan.dev/talos-version annotation)',
    ],
    [
      'a Talos minor the catalog does not know',
      (d) => {
        tcpConfig(d).talosVersion = 'v1.9.6';
      },
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.talosVersion: Talos v1.9 is not in the version catalog, so the Kubernetes versions it runs are unknown; add it to the catalog or pick a listed release (v1.10.7, v1.11.5, v1.12.0)',
    ],
    [
      'a Kubernetes version Talos does not run',
      (d) => {
        tcpSpec(d).version = 'v1.35.0';
      },
      'TalosControlPlane default/demo-control-plane spec.version: Talos v1.11.5 runs Kubernetes v1.29 to v1.34, not v1.35.0; change the Kubernetes or the Talos version',
    ],
    [
      'a version that is not a release',
      (d) => {
        tcpSpec(d).version = '1.33';
      },
      'TalosControlPlane default/demo-control-plane spec.version: must look like v1.33.4',
    ],
    [
      'annotation and talosVersion disagreeing',
      (d) => {
        manifest(d, 'TalosControlPlane', 'demo-control-plane').metadata.annotations = { 'capstan.dev/talos-version': 'v1.12.0' };
      },
      'TalosControlPlane default/demo-control-plane spec.controlPlaneConfig.controlplane.talosVersion: v1.11.5 and the capstan.dev/talos-version annotation (v1.12.0) name different Talos minors; make them agree',
    ],
    [
      'workers newer than the control plane',
      (d) => {
        at(manifest(d, 'MachineDeployment', 'demo-md-0'), 'spec.template.spec').version = 'v1.34.2';
      },
      "MachineDeployment default/demo-md-0 spec.template.spec.version: v1.34.2 is newer than the control plane's v1.33.4: kubelets must not be newer than the API server; upgrade the TalosControlPlane first",
    ],
    [
      'workers too far behind',
      (d) => {
        at(manifest(d, 'MachineDeployment', 'demo-md-0'), 'spec.template.spec').version = 'v1.29.3';
      },
      "MachineDeployment default/demo-md-0 spec.template.spec.version: v1.29.3 is 4 minors behind the control plane's v1.33.4; kubelets may trail by at most 3",
    ],
    [
      'a template and deployment for different clusters',
      (d) => {
        at(manifest(d, 'MachineDeployment', 'demo-md-0'), 'spec.template.spec').clusterName = 'other';
      },
      'MachineDeployment default/demo-md-0 spec.template.spec.clusterName: must be demo, as spec.clusterName',
    ],
    [
      'a deployment name that is no DNS label',
      (d) => {
        manifest(d, 'MachineDeployment', 'demo-md-0').metadata.name = 'demo.md-0';
      },
      'MachineDeployment default/demo.md-0 metadata.name: must be a DNS label',
    ],
    [
      'a pool entry that is no address',
      (d) => {
        proxmox(d).ipv4Config = { addresses: ['10.10.10.20..10.10.10.60'], prefix: 24, gateway: '10.10.10.1' };
      },
      'ProxmoxCluster default/demo spec.ipv4Config.addresses[0]: must be an IPv4 address, a range like 10.0.0.10-10.0.0.50 or a CIDR like 10.0.1.0/28, not 10.10.10.20..10.10.10.60',
    ],
    [
      'an IPv6-only cluster',
      (d) => {
        delete proxmox(d).ipv4Config;
      },
      'ProxmoxCluster default/demo spec.ipv4Config: is required: Capstan gives machines static IPv4 addresses from this pool',
    ],
    [
      'an IPv6 DNS server',
      (d) => {
        proxmox(d).dnsServers = ['2606:4700:4700::1111'];
      },
      'ProxmoxCluster default/demo spec.dnsServers[0]: must be an IPv4 address, not 2606:4700:4700::1111: machines are IPv4-only',
    ],
    [
      'a DNS name as endpoint',
      (d) => {
        proxmox(d).controlPlaneEndpoint = { host: 'api.demo.example.com', port: 6443 };
      },
      'ProxmoxCluster default/demo spec.controlPlaneEndpoint.host: must be an IPv4 address, not api.demo.example.com: Capstan does not support a DNS name as the control-plane endpoint',
    ],
    [
      'two different endpoints',
      (d) => {
        clusterSpec(d).controlPlaneEndpoint = { host: '10.10.10.6', port: 6443 };
      },
      "Cluster default/demo spec.controlPlaneEndpoint: 10.10.10.6:6443 differs from ProxmoxCluster demo's 10.10.10.5:6443; set it on one of them, or the same on both",
    ],
    [
      'no node to place VMs on',
      (d) => {
        delete proxmox(d).allowedNodes;
        delete cpTemplate(d).sourceNode;
        delete workerTemplate(d).sourceNode;
      },
      'ProxmoxCluster default/demo spec.allowedNodes: is required when no ProxmoxMachineTemplate sets sourceNode: name the Proxmox VE nodes VMs may run on',
    ],
    [
      'an address range written backwards',
      (d) => {
        proxmox(d)['ipv4Config'] = { addresses: ['127.0.100.40-127.0.100.11'], prefix: 24, gateway: '127.0.100.1' };
      },
      'ProxmoxCluster default/demo spec.ipv4Config.addresses[0]: "127.0.100.40-127.0.100.11" ends before it starts: write 127.0.100.11-127.0.100.40',
    ],
    [
      "addresses outside the gateway's subnet",
      (d) => {
        proxmox(d)['ipv4Config'] = { addresses: ['127.0.101.11-127.0.101.40'], prefix: 24, gateway: '127.0.100.1' };
      },
      "ProxmoxCluster default/demo spec.ipv4Config: address 127.0.101.11 is not in the gateway's subnet 127.0.100.0/24",
    ],
    [
      'a pool too small for the machines and a rollout',
      (d) => {
        proxmox(d)['ipv4Config'] = { addresses: ['127.0.100.11-127.0.100.14'], prefix: 24, gateway: '127.0.100.1' };
        proxmox(d)['controlPlaneEndpoint'] = { host: '127.0.100.5', port: 6443 };
      },
      'ProxmoxCluster default/demo spec.ipv4Config.addresses: holds 4 usable addresses, but the cluster needs 10 (9 machines, 1 more while the control plane rolls out): widen the pool or lower the replicas',
    ],
    [
      'a pool too small once the endpoint comes from it too',
      (d) => {
        proxmox(d)['ipv4Config'] = { addresses: ['127.0.100.11-127.0.100.20'], prefix: 24, gateway: '127.0.100.1' };
        delete proxmox(d)['controlPlaneEndpoint'];
      },
      'ProxmoxCluster default/demo spec.ipv4Config.addresses: holds 10 usable addresses, but the cluster needs 11 (9 machines, 1 more while the control plane rolls out, 1 for the control-plane endpoint)',
    ],
    [
      'a pool too small once the VIP the user chose inside it is counted',
      (d) => {
        proxmox(d)['ipv4Config'] = { addresses: ['127.0.100.11-127.0.100.20'], prefix: 24, gateway: '127.0.100.1' };
        proxmox(d)['controlPlaneEndpoint'] = { host: '127.0.100.15', port: 6443 };
      },
      'ProxmoxCluster default/demo spec.ipv4Config.addresses: holds 10 usable addresses, but the cluster needs 11 (9 machines, 1 more while the control plane rolls out, 1 for the control-plane endpoint)',
    ],
    [
      'maxUnavailable over 100%',
      (d) => {
        md0(d)['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } };
      },
      'MachineDeployment default/demo-md-0 spec.strategy.rollingUpdate.maxUnavailable: must be at most 100%, not 150%',
    ],
    [
      'a catalog ConfigMap that does not exist',
      (d) => {
        manifest(d, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/version-catalog': 'versions' };
      },
      'Cluster default/demo metadata.annotations[capstan.dev/version-catalog]: ConfigMap default/versions does not exist; create it or fix the reference',
    ],
    [
      'a catalog that is not one',
      (d) => {
        manifest(d, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/version-catalog': 'versions' };
        d.push({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'versions' },
          data: { 'catalog.yaml': 'kubernetes: [1.33.4]\ntalos: []\n' },
        });
      },
      'ConfigMap default/versions data[catalog.yaml].kubernetes[0]: must look like v1.33.4',
    ],
    [
      'an endpoint annotation that says neither talos-vip nor external-load-balancer',
      (d) => {
        manifest(d, 'ProxmoxCluster', 'demo').metadata.annotations = { 'capstan.dev/control-plane-endpoint': 'haproxy' };
      },
      'ProxmoxCluster default/demo metadata.annotations[capstan.dev/control-plane-endpoint]: must be talos-vip (the control planes share the endpoint address as a Talos VIP) or external-load-balancer (a load balancer of your own answers at spec.controlPlaneEndpoint), not haproxy',
    ],
    [
      'endpoint annotations that disagree',
      (d) => {
        manifest(d, 'ProxmoxCluster', 'demo').metadata.annotations = { 'capstan.dev/control-plane-endpoint': 'external-load-balancer' };
        manifest(d, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/control-plane-endpoint': 'talos-vip' };
      },
      "Cluster default/demo metadata.annotations[capstan.dev/control-plane-endpoint]: talos-vip differs from ProxmoxCluster demo's external-load-balancer",
    ],
    [
      'an external load balancer without its address',
      (d) => {
        manifest(d, 'Cluster', 'demo').metadata.annotations = { 'capstan.dev/control-plane-endpoint': 'external-load-balancer' };
        delete proxmox(d)['controlPlaneEndpoint'];
      },
      "Cluster default/demo spec.controlPlaneEndpoint.host: is required with capstan.dev/control-plane-endpoint: external-load-balancer: set it to your load balancer's address",
    ],
    [
      "a VIP outside the machines' subnet",
      (d) => {
        proxmox(d).controlPlaneEndpoint = { host: '10.10.11.5', port: 6443 };
      },
      "ProxmoxCluster default/demo spec.controlPlaneEndpoint.host: 10.10.11.5 is not in the machines' subnet 10.10.10.0/24: the control planes announce it as a Talos VIP on their own interface",
    ],
    [
      'the gateway as VIP',
      (d) => {
        proxmox(d).controlPlaneEndpoint = { host: '10.10.10.1', port: 6443 };
      },
      'ProxmoxCluster default/demo spec.controlPlaneEndpoint.host: 10.10.10.1 is the gateway of ipv4Config',
    ],
    [
      'a VIP on a port kube-apiserver does not listen on',
      (d) => {
        delete proxmox(d)['controlPlaneEndpoint'];
        clusterSpec(d).controlPlaneEndpoint = { host: '10.10.10.5', port: 443 };
      },
      'Cluster default/demo spec.controlPlaneEndpoint.port: must be 6443 with a Talos VIP, not 443',
    ],
  ])('%s', (_name, edit, expected) => {
    const documents = demoManifests();
    edit(documents);
    const errors = errorsOf(documents);
    expect(
      errors.some((e) => e.startsWith(expected)),
      `expected an error starting with\n  ${expected}\ngot\n  ${errors.join('\n  ')}`,
    ).toBe(true);
  });

  it('reports every problem at once, so one pass over the manifests fixes them all', () => {
    const documents = demoManifests();
    tcpSpec(documents).replicas = 4;
    delete workerTemplate(documents).memoryMiB;
    md0(documents).strategy = { type: 'OnDelete' };
    expect(errorsOf(documents)).toEqual([
      'TalosControlPlane default/demo-control-plane spec.replicas: must be odd (1, 3, 5 or 7) to keep an etcd quorum',
      'ProxmoxMachineTemplate default/demo-workers spec.template.spec.memoryMiB: is required: Capstan sizes every VM explicitly, e.g. 4096',
      'MachineDeployment default/demo-md-0 spec.strategy.type: OnDelete is not supported: Capstan replaces or upgrades machines itself; use RollingUpdate (new VMs) or InPlace (Talos upgrade in place)',
    ]);
  });
});

describe('cluster names at the limit', () => {
  const renamed = (name: string): Manifest[] => {
    const documents = demoManifests();
    manifest(documents, 'Cluster', 'demo').metadata.name = name;
    for (const document of documents.filter((d) => d.kind === 'MachineDeployment')) {
      at(document, 'spec')['clusterName'] = name;
      at(document, 'spec.template.spec')['clusterName'] = name;
    }
    return documents;
  };

  it('maps a 63-character name, the most the cluster-name label holds', () => {
    const name = `c${'x'.repeat(61)}z`;
    const { desired } = mapped(renamed(name), { namespace: 'default', name });
    expect(desired.name).toBe(name);
    expect(desired.machineDeployments.length).toBeGreaterThan(0);
  });

  it('refuses a longer one, naming the field and the limit', () => {
    const name = `c${'x'.repeat(62)}z`;
    expect(errorsOf(renamed(name), { namespace: 'default', name })).toContain(
      `Cluster default/${name} metadata.name: must be at most 63 characters: it is the value of the cluster.x-k8s.io/cluster-name label`,
    );
  });
});
