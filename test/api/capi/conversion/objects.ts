import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../../../../api/capi/cluster.ts';
import type { MachineDeployment } from '../../../../api/capi/machine-deployment.ts';
import { MachineHealthCheck } from '../../../../api/capi/machine-health-check.ts';
import type { MachineSet } from '../../../../api/capi/machine-set.ts';
import type { Machine } from '../../../../api/capi/machine.ts';
import type { ClusterV1Beta2 } from '../../../../api/capi/v1beta2/cluster.ts';
import type { MachineDeploymentV1Beta2 } from '../../../../api/capi/v1beta2/machine-deployment.ts';
import type { MachineHealthCheckV1Beta2 } from '../../../../api/capi/v1beta2/machine-health-check.ts';
import type { MachineSetV1Beta2 } from '../../../../api/capi/v1beta2/machine-set.ts';
import type { MachineV1Beta2 } from '../../../../api/capi/v1beta2/machine.ts';
import { parseManifests, type Manifest } from '../../../../embedded/manifest.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');

/** The one document of `kind` in a manifest file of the repository, a fresh copy each call. */
export function documentOf(file: string, kind: string, name?: string): Manifest {
  const found = parseManifests(readFileSync(join(root, file), 'utf8')).find(
    (d) => d.kind === kind && (name === undefined || d.metadata.name === name),
  );
  if (!found) throw new Error(`${file} has no ${kind}`);
  return found;
}

const when = '2026-12-05T10:00:00Z';

/** A v1beta1 Cluster as Capstan's controller leaves it: provisioned, conditions with severity, an operation. */
export function provisionedClusterV1Beta1(): Cluster {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: {
      name: 'prod',
      namespace: 'fleet',
      uid: '0f1e2d3c-0000-4000-8000-000000000001',
      generation: 4,
      resourceVersion: '812',
      labels: { env: 'prod' },
      annotations: { 'capstan.dev/version-catalog': 'catalog' },
      finalizers: ['cluster.cluster.x-k8s.io'],
    },
    spec: {
      paused: false,
      clusterNetwork: {
        apiServerPort: 6443,
        pods: { cidrBlocks: ['10.244.0.0/16'] },
        services: { cidrBlocks: ['10.96.0.0/12'] },
        serviceDomain: 'cluster.local',
      },
      controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 },
      // A namespace and an older provider version: v1beta2 keeps neither, the conversion data does.
      controlPlaneRef: {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
        kind: 'TalosControlPlane',
        name: 'prod-cp',
        namespace: 'fleet',
      },
      infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxCluster', name: 'prod' },
      availabilityGates: [{ conditionType: 'NetworkReady' }],
    },
    status: {
      phase: 'Provisioned',
      infrastructureReady: true,
      controlPlaneReady: true,
      observedGeneration: 4,
      failureDomains: { pve2: { controlPlane: true }, pve1: { controlPlane: true, attributes: { rack: 'a' } } },
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: when },
        { type: 'RollingOut', status: 'False', severity: 'Info', reason: 'NotRollingOut', lastTransitionTime: when, message: '' },
        {
          type: 'EtcdBackedUp',
          status: 'False',
          severity: 'Warning',
          reason: 'snapshot too old',
          lastTransitionTime: when,
          message: 'newest is 3h old',
        },
      ],
      version: 'v1.33.4',
      operation: { name: 'upgrade', state: 'Succeeded', step: 'done', startedAt: when },
    },
  };
}

/** A v1beta1 MachineDeployment with every field v1beta2 moves or drops, and a status with v1beta2's preview. */
export function busyMachineDeploymentV1Beta1(): MachineDeployment {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'MachineDeployment',
    metadata: { name: 'prod-md-0', namespace: 'fleet', labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
    spec: {
      clusterName: 'prod',
      replicas: 5,
      selector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'prod', pool: 'md-0' } },
      template: {
        metadata: { labels: { 'cluster.x-k8s.io/cluster-name': 'prod', pool: 'md-0' } },
        spec: {
          clusterName: 'prod',
          version: 'v1.33.4',
          failureDomain: 'pve1',
          // `1h` prints back as `1h0m0s`, and `1.5s` has a fraction whole seconds lose: both kept.
          nodeDrainTimeout: '1h',
          nodeVolumeDetachTimeout: '1.5s',
          nodeDeletionTimeout: '5m0s',
          bootstrap: {
            configRef: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1alpha3', kind: 'TalosConfigTemplate', name: 'prod-workers' },
          },
          infrastructureRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
            kind: 'ProxmoxMachineTemplate',
            name: 'prod-workers',
            uid: '6c1b7f2e-0000-4000-8000-000000000002',
          },
        },
      },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: 0, deletePolicy: 'Oldest' },
        remediation: { maxInFlight: 2 },
      },
      minReadySeconds: 30,
      revisionHistoryLimit: 3,
      progressDeadlineSeconds: 600,
      paused: true,
      rolloutAfter: '2026-12-06T00:00:00Z',
    },
    status: {
      observedGeneration: 7,
      selector: 'cluster.x-k8s.io/cluster-name=prod,pool=md-0',
      replicas: 5,
      updatedReplicas: 3,
      readyReplicas: 4,
      availableReplicas: 4,
      unavailableReplicas: 1,
      phase: 'ScalingUp',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          severity: 'Warning',
          reason: 'WaitingForMachines',
          lastTransitionTime: when,
          message: 'prod-md-0-x not Ready',
        },
      ],
      operation: { name: 'rollout-machine-deployment', state: 'Running', step: 'replace prod-md-0-x' },
      v1beta2: {
        conditions: [
          { type: 'Available', status: 'True', reason: 'Available', lastTransitionTime: when, message: '', observedGeneration: 7 },
        ],
        readyReplicas: 4,
        availableReplicas: 4,
        upToDateReplicas: 3,
      },
    },
  };
}

/** A v1beta2 Cluster as CAPI v1.11+ users and controllers write it. */
export function clusterV1Beta2(): ClusterV1Beta2 {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'edge', namespace: 'default' },
    spec: {
      clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] } },
      controlPlaneRef: { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'TalosControlPlane', name: 'edge-cp' },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxCluster', name: 'edge' },
      topology: { classRef: { name: 'talos-proxmox', namespace: 'classes' }, version: 'v1.34.1', controlPlane: { replicas: 3 } },
      availabilityGates: [{ conditionType: 'NetworkReady', polarity: 'Positive' }],
    },
    status: {
      conditions: [
        { type: 'Available', status: 'True', reason: 'Available', message: '', lastTransitionTime: when, observedGeneration: 2 },
        { type: 'RemoteConnectionProbe', status: 'True', reason: 'ProbeSucceeded', message: '', lastTransitionTime: when },
      ],
      initialization: { infrastructureProvisioned: true, controlPlaneInitialized: false },
      controlPlane: { desiredReplicas: 3, replicas: 3, readyReplicas: 2, availableReplicas: 2, upToDateReplicas: 3 },
      workers: { desiredReplicas: 2, replicas: 2 },
      failureDomains: [
        { name: 'pve1', controlPlane: true },
        { name: 'pve2', controlPlane: true, attributes: { rack: 'b' } },
      ],
      phase: 'Provisioning',
      observedGeneration: 2,
      deprecated: {
        v1beta1: {
          conditions: [{ type: 'Ready', status: 'False', severity: 'Info', reason: 'WaitingForControlPlane', lastTransitionTime: when }],
        },
      },
    },
  };
}

/** A v1beta2 MachineDeployment with the fields v1beta1 has no place for. */
export function machineDeploymentV1Beta2(): MachineDeploymentV1Beta2 {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'MachineDeployment',
    metadata: { name: 'edge-md-0', namespace: 'default' },
    spec: {
      clusterName: 'edge',
      replicas: 2,
      rollout: {
        after: '2026-12-07T00:00:00Z',
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '10%' } },
      },
      selector: { matchLabels: { pool: 'md-0' } },
      template: {
        metadata: { labels: { pool: 'md-0' } },
        spec: {
          clusterName: 'edge',
          version: 'v1.34.1',
          minReadySeconds: 10,
          readinessGates: [{ conditionType: 'CNIReady', polarity: 'Positive' }],
          taints: [{ key: 'dedicated', value: 'edge', effect: 'NoSchedule', propagation: 'Always' }],
          deletion: { nodeDrainTimeoutSeconds: 90, nodeDeletionTimeoutSeconds: 0 },
          bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'TalosConfigTemplate', name: 'edge-workers' } },
          infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxMachineTemplate', name: 'edge-workers' },
        },
      },
      machineNaming: { template: '{{ .machineSet.name }}-{{ .random }}' },
      remediation: { maxInFlight: '50%' },
      deletion: { order: 'Newest' },
    },
    status: {
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      upToDateReplicas: 2,
      phase: 'Running',
      conditions: [{ type: 'Available', status: 'False', reason: 'NotAvailable', message: '1 of 2 available', lastTransitionTime: when }],
      deprecated: { v1beta1: { updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1 } },
    },
  };
}

/** A MachineHealthCheck of the health-check fixture as the API server stores it (v1beta1's defaults filled in). */
export function healthCheckV1Beta1(name: string): MachineHealthCheck {
  return MachineHealthCheck.parse(documentOf('test/api/capi/fixtures/health-checks.yaml', 'MachineHealthCheck', name));
}

/** A v1beta1 MachineHealthCheck with a status and an external remediation template in another namespace. */
export function remediatingHealthCheckV1Beta1(): MachineHealthCheck {
  const mhc = healthCheckV1Beta1('demo-workers');
  return {
    ...mhc,
    spec: {
      ...mhc.spec,
      remediationTemplate: {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
        kind: 'ProxmoxRemediationTemplate',
        name: 'reboot',
        namespace: 'ops',
      },
    },
    status: {
      expectedMachines: 2,
      currentHealthy: 1,
      remediationsAllowed: 0,
      observedGeneration: 3,
      targets: ['demo-md-0-a', 'demo-md-0-b'],
      conditions: [
        {
          type: 'RemediationAllowed',
          status: 'False',
          severity: 'Warning',
          reason: 'TooManyUnhealthy',
          lastTransitionTime: when,
          message: '1 of 2 unhealthy',
        },
      ],
    },
  };
}

/** A v1beta2 MachineHealthCheck with machine conditions, which Capstan's v1beta1 has no field for. */
export function healthCheckV1Beta2(): MachineHealthCheckV1Beta2 {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'MachineHealthCheck',
    metadata: { name: 'edge-workers', namespace: 'default' },
    spec: {
      clusterName: 'edge',
      selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'edge-md-0' } },
      checks: {
        nodeStartupTimeoutSeconds: 900,
        unhealthyNodeConditions: [{ type: 'Ready', status: 'Unknown', timeoutSeconds: 300 }],
        unhealthyMachineConditions: [{ type: 'NodeHealthy', status: 'False', timeoutSeconds: 120 }],
      },
      remediation: { triggerIf: { unhealthyLessThanOrEqualTo: 1, unhealthyInRange: '[1-2]' } },
    },
    status: {
      expectedMachines: 2,
      currentHealthy: 2,
      remediationsAllowed: 1,
      conditions: [{ type: 'RemediationAllowed', status: 'True', reason: 'RemediationAllowed', message: '', lastTransitionTime: when }],
    },
  };
}

/** A Machine as Capstan writes it and its observer reports it: a node reference with the Node's uid. */
export function observedMachineV1Beta1(): Machine {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Machine',
    metadata: {
      name: 'prod-md-0-x7k2p',
      namespace: 'fleet',
      labels: { 'cluster.x-k8s.io/cluster-name': 'prod', 'cluster.x-k8s.io/set-name': 'prod-md-0-1' },
    },
    spec: {
      clusterName: 'prod',
      version: 'v1.33.4',
      providerID: 'proxmox://4c4c4544-0031-3310-8050-b3c04f4e3232',
      nodeDrainTimeout: '2m',
      bootstrap: { configRef: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1alpha3', kind: 'TalosConfigTemplate', name: 'prod-workers' } },
      infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1', kind: 'ProxmoxMachine', name: 'prod-md-0-x7k2p' },
    },
    status: {
      phase: 'Running',
      addresses: [
        { type: 'InternalIP', address: '10.10.10.23' },
        { type: 'Hostname', address: 'prod-md-0-x7k2p' },
      ],
      nodeRef: { apiVersion: 'v1', kind: 'Node', name: 'prod-md-0-x7k2p', uid: 'a1b2c3d4-0000-4000-8000-000000000003' },
      nodeInfo: { kubeletVersion: 'v1.33.4', osImage: 'Talos (v1.11.5)' },
      lastUpdated: when,
      bootstrapReady: true,
      infrastructureReady: true,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: when }],
      proxmox: { node: 'pve2', vmid: 1042 },
      talosVersion: 'v1.11.5',
    },
  };
}

/** A MachineSet as Capstan writes it for a MachineDeployment revision. */
export function machineSetV1Beta1(): MachineSet {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'MachineSet',
    metadata: { name: 'prod-md-0-1', namespace: 'fleet', annotations: { 'machinedeployment.clusters.x-k8s.io/revision': '1' } },
    spec: {
      clusterName: 'prod',
      replicas: 3,
      minReadySeconds: 30,
      deletePolicy: 'Oldest',
      selector: { matchLabels: { 'cluster.x-k8s.io/set-name': 'prod-md-0-1' } },
      template: {
        metadata: { labels: { 'cluster.x-k8s.io/set-name': 'prod-md-0-1' } },
        spec: {
          clusterName: 'prod',
          version: 'v1.33.4',
          bootstrap: {
            configRef: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1alpha3', kind: 'TalosConfigTemplate', name: 'prod-workers' },
          },
          infrastructureRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
            kind: 'ProxmoxMachineTemplate',
            name: 'prod-workers',
          },
        },
      },
    },
    status: {
      selector: 'cluster.x-k8s.io/set-name=prod-md-0-1',
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    },
  };
}

/** A v1beta2 Machine with the machine-level fields v1beta1 Machines lack. */
export function machineV1Beta2(): MachineV1Beta2 {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Machine',
    metadata: { name: 'edge-md-0-abcde', namespace: 'default' },
    spec: {
      clusterName: 'edge',
      version: 'v1.34.1',
      minReadySeconds: 20,
      taints: [{ key: 'dedicated', value: 'edge', effect: 'NoSchedule', propagation: 'OnInitialization' }],
      deletion: { nodeDrainTimeoutSeconds: 600 },
      bootstrap: { dataSecretName: 'edge-md-0-abcde-bootstrap' },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxMachine', name: 'edge-md-0-abcde' },
    },
    status: {
      initialization: { infrastructureProvisioned: true, bootstrapDataSecretCreated: true },
      nodeRef: { name: 'edge-md-0-abcde' },
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: when }],
    },
  };
}

/** A v1beta2 MachineSet with machine naming and up-to-date counts. */
export function machineSetV1Beta2(): MachineSetV1Beta2 {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'MachineSet',
    metadata: { name: 'edge-md-0-1', namespace: 'default' },
    spec: {
      clusterName: 'edge',
      replicas: 2,
      selector: { matchLabels: { pool: 'md-0' } },
      template: {
        spec: {
          clusterName: 'edge',
          minReadySeconds: 5,
          bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'TalosConfigTemplate', name: 'edge-workers' } },
          infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxMachineTemplate', name: 'edge-workers' },
        },
      },
      machineNaming: { template: '{{ .machineSet.name }}-{{ .random }}' },
      deletion: { order: 'Random' },
    },
    status: {
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      upToDateReplicas: 2,
      deprecated: { v1beta1: { fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 } },
    },
  };
}

/** A v1beta1 topology with every field Capstan's v1beta1 has, durations written as Go prints them. */
export function topologyV1Beta1() {
  return {
    class: 'talos-proxmox',
    classNamespace: 'classes',
    version: 'v1.34.1',
    controlPlane: {
      metadata: { labels: { tier: 'cp' } },
      replicas: 3,
      nodeDrainTimeout: '5m0s',
      nodeVolumeDetachTimeout: '1m0s',
      nodeDeletionTimeout: '10s',
      machineHealthCheck: {
        enable: true,
        nodeStartupTimeout: '10m0s',
        unhealthyConditions: [{ type: 'Ready', status: 'False', timeout: '5m0s' }],
        maxUnhealthy: '40%',
        unhealthyRange: '[1-3]',
      },
    },
    workers: {
      machineDeployments: [
        {
          class: 'default-worker',
          name: 'md-0',
          failureDomain: 'pve1',
          replicas: 2,
          minReadySeconds: 30,
          nodeDrainTimeout: '2m0s',
          strategy: {
            type: 'RollingUpdate' as const,
            rollingUpdate: { maxUnavailable: 0, maxSurge: '25%', deletePolicy: 'Oldest' as const },
            remediation: { maxInFlight: 1 },
          },
          machineHealthCheck: {
            unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeout: '1m0s' }],
            remediationTemplate: {
              apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
              kind: 'ProxmoxRemediationTemplate',
              name: 'reboot',
            },
          },
          variables: { overrides: [{ name: 'cpus', value: 4 }] },
        },
      ],
    },
    variables: [{ name: 'cni', value: { name: 'cilium' } }],
  };
}

/** The same topology as v1beta2 writes it. */
export function topologyV1Beta2() {
  return {
    classRef: { name: 'talos-proxmox', namespace: 'classes' },
    version: 'v1.34.1',
    controlPlane: {
      metadata: { labels: { tier: 'cp' } },
      replicas: 3,
      deletion: { nodeDrainTimeoutSeconds: 300, nodeVolumeDetachTimeoutSeconds: 60, nodeDeletionTimeoutSeconds: 10 },
      healthCheck: {
        enabled: true,
        checks: { nodeStartupTimeoutSeconds: 600, unhealthyNodeConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 300 }] },
        remediation: { triggerIf: { unhealthyLessThanOrEqualTo: '40%', unhealthyInRange: '[1-3]' } },
      },
    },
    workers: {
      machineDeployments: [
        {
          class: 'default-worker',
          name: 'md-0',
          failureDomain: 'pve1',
          replicas: 2,
          minReadySeconds: 30,
          deletion: { order: 'Oldest' as const, nodeDrainTimeoutSeconds: 120 },
          rollout: { strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } } },
          healthCheck: {
            checks: { unhealthyNodeConditions: [{ type: 'Ready', status: 'Unknown', timeoutSeconds: 60 }] },
            remediation: {
              maxInFlight: 1,
              templateRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1', kind: 'ProxmoxRemediationTemplate', name: 'reboot' },
            },
          },
          variables: { overrides: [{ name: 'cpus', value: 4 }] },
        },
      ],
    },
    variables: [{ name: 'cni', value: { name: 'cilium' } }],
  };
}
