// Fixed ClusterProgress answers and CAPI objects for the rendering tests.
import type { Condition } from '../../api/capi/conditions.ts';
import type { Cluster } from '../../api/capi/cluster.ts';
import type { MachineDeployment } from '../../api/capi/machine-deployment.ts';
import type { MachineHealthCheck } from '../../api/capi/machine-health-check.ts';
import type { MachineSet } from '../../api/capi/machine-set.ts';
import type { Machine } from '../../api/capi/machine.ts';
import type { TalosControlPlane } from '../../api/capi/talos-control-plane.ts';
import type { ClusterProgress, MachineProgress } from '../../api/cluster-messages.ts';
import type { ClusterCrs } from '../../client/cli/read/cluster-objects.ts';

/** The tests' clock: every `since` is measured from here. */
export const now = new Date('2025-06-01T12:00:00Z');
/** An ISO time `seconds` before `now`. */
export const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString();

export const ref = { namespace: 'default', name: 'kappa' };

/** A Running, Ready machine on v1.33.4 / v1.11.5. */
export function machine(name: string, overrides: Partial<MachineProgress> = {}): MachineProgress {
  return {
    name,
    role: name.includes('-cp-') ? 'control-plane' : 'worker',
    ...(name.includes('-md-0-') ? { deployment: 'kappa-md-0' } : {}),
    phase: 'Running',
    ready: true,
    kubernetesVersion: 'v1.33.4',
    talosVersion: 'v1.11.5',
    address: '127.0.88.10',
    vm: { node: 'pve1', vmid: 1000 + Number.parseInt(name.slice(-1), 10) },
    ...overrides,
  };
}

/** An Idle cluster of one control plane and two workers after its provision. */
export function idleProgress(overrides: Partial<ClusterProgress> = {}): ClusterProgress {
  return {
    cluster: 'default/kappa',
    phase: 'Idle',
    generation: 1,
    blocked: [],
    machines: [
      machine('kappa-cp-a1'),
      machine('kappa-md-0-b2', { address: '127.0.88.11' }),
      machine('kappa-md-0-c3', { address: '127.0.88.12' }),
    ],
    deleteRequested: false,
    bootstrapped: true,
    operations: 1,
    recent: [{ kind: 'provision', summary: 'provision default/kappa: 1 control-plane machine, 2 workers', outcome: 'Succeeded' }],
    ...overrides,
  };
}

const deleteRun = 'cluster/default/kappa/machine/kappa-md-0-c3/delete';

/** A scale-down whose drain of kappa-md-0-c3 is held by a PodDisruptionBudget. */
export function blockedProgress(): ClusterProgress {
  const base = idleProgress();
  return {
    ...base,
    phase: 'Blocked',
    generation: 3,
    operations: 3,
    operation: {
      workflowId: 'cluster/default/kappa/scale-machine-deployment/3',
      kind: 'scale-machine-deployment',
      summary: 'scale kappa-md-0 3 → 2',
      step: 1,
      steps: 1,
      currentStep: 'delete kappa-md-0-c3',
    },
    blocked: [
      {
        workflowId: deleteRun,
        step: 'drain node',
        errorType: 'DrainBlockedByPdb',
        message: 'PodDisruptionBudget default/guard-budget allows no disruption of pod default/guard-budget',
        since: ago(45),
      },
    ],
    machines: base.machines.map((m) =>
      m.name === 'kappa-md-0-c3' ? { ...m, phase: 'Deleting', activity: 'delete machine: drain node (2/6), Blocked' } : m,
    ),
  };
}

/** A condition that changed `seconds` ago. */
export function condition(type: string, status: Condition['status'], seconds: number, extra: Partial<Condition> = {}): Condition {
  return { type, status, lastTransitionTime: ago(seconds), ...extra };
}

const meta = (name: string, labels: Record<string, string> = {}) => ({ name, namespace: 'default', labels });

/** The kappa objects; `status` says whether the controller has written status yet. */
export function kappaCrs(options: { readonly status: boolean; readonly version?: string } = { status: true }): ClusterCrs {
  const version = options.version ?? 'v1.33.4';
  const cluster: Cluster = {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: meta('kappa'),
    spec: {
      controlPlaneRef: { kind: 'TalosControlPlane', name: 'kappa-control-plane' },
      infrastructureRef: { kind: 'ProxmoxCluster', name: 'kappa' },
    },
    ...(options.status
      ? {
          status: {
            phase: 'Provisioned',
            version: 'v1.33.4',
            conditions: [
              condition('Ready', 'True', 600),
              condition('InfrastructureReady', 'True', 900),
              condition('RollingOut', 'False', 600, { reason: 'NotRollingOut', severity: 'Info' }),
            ],
          },
        }
      : {}),
  };
  const controlPlane: TalosControlPlane = {
    metadata: meta('kappa-control-plane'),
    spec: {
      version,
      replicas: 1,
      infrastructureTemplate: { kind: 'ProxmoxMachineTemplate', name: 'kappa-control-plane' },
      controlPlaneConfig: { controlplane: { generateType: 'controlplane' } },
    },
    ...(options.status
      ? { status: { version: 'v1.33.4', readyReplicas: 1, replicas: 1, conditions: [condition('Ready', 'True', 700)] } }
      : {}),
  };
  const md: MachineDeployment = {
    metadata: meta('kappa-md-0'),
    spec: { clusterName: 'kappa', replicas: 2, template: { spec: { clusterName: 'kappa', version, bootstrap: {} } } },
    ...(options.status
      ? {
          status: {
            replicas: 2,
            readyReplicas: 1,
            conditions: [
              condition('Ready', 'False', 30, { severity: 'Warning', reason: 'WaitingForMachines', message: 'not Ready: kappa-md-0-c3' }),
            ],
          },
        }
      : {}),
  };
  const machineObject = (name: string, labels: Record<string, string>, ready: Condition): Machine => ({
    metadata: meta(name, { 'cluster.x-k8s.io/cluster-name': 'kappa', ...labels }),
    spec: { clusterName: 'kappa', bootstrap: {}, version: 'v1.33.4' },
    ...(options.status
      ? { status: { phase: 'Running', nodeInfo: { kubeletVersion: 'v1.33.4' }, talosVersion: 'v1.11.5', conditions: [ready] } }
      : {}),
  });
  return {
    cluster,
    controlPlane,
    machineDeployments: [md],
    machineSets: [],
    machineHealthChecks: [],
    machines: options.status
      ? [
          machineObject('kappa-cp-a1', { 'cluster.x-k8s.io/control-plane': '' }, condition('Ready', 'True', 800)),
          machineObject('kappa-md-0-b2', { 'cluster.x-k8s.io/deployment-name': 'kappa-md-0' }, condition('Ready', 'True', 650)),
          machineObject(
            'kappa-md-0-c3',
            { 'cluster.x-k8s.io/deployment-name': 'kappa-md-0' },
            condition('Ready', 'False', 30, { severity: 'Info', reason: 'NodeNotReady', message: 'kubelet stopped posting status' }),
          ),
        ]
      : [],
  };
}

/** A MachineSet of kappa-md-0 at a template revision, as the cluster workflow records it. */
export function machineSet(name: string, revision: number, replicas: number, version = 'v1.33.4'): MachineSet {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: { 'cluster.x-k8s.io/cluster-name': 'kappa', 'cluster.x-k8s.io/deployment-name': 'kappa-md-0' },
      annotations: { 'machinedeployment.clusters.x-k8s.io/revision': String(revision) },
    },
    spec: {
      clusterName: 'kappa',
      replicas,
      selector: { matchLabels: { 'cluster.x-k8s.io/set-name': name } },
      template: { spec: { clusterName: 'kappa', version, bootstrap: {} } },
    },
  };
}

/** A worker Machine of a MachineSet, as the observer writes it: CAPI v1beta2 conditions, where its VM runs. */
export function setMachine(name: string, set: string, conditions: Condition[], version = 'v1.33.4'): Machine {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: {
        'cluster.x-k8s.io/cluster-name': 'kappa',
        'cluster.x-k8s.io/deployment-name': 'kappa-md-0',
        'cluster.x-k8s.io/set-name': set,
      },
    },
    spec: { clusterName: 'kappa', bootstrap: {}, version, providerID: `proxmox://${name}` },
    status: {
      phase: 'Running',
      nodeInfo: { kubeletVersion: version },
      talosVersion: 'v1.11.5',
      proxmox: { node: 'pve2', vmid: 2000 + Number.parseInt(name.slice(-1), 10) },
      conditions,
    },
  };
}

/** A MachineHealthCheck of kappa, with the status the cluster workflow writes when `status` is given. */
export function healthCheck(name: string, status?: MachineHealthCheck['status']): MachineHealthCheck {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      clusterName: 'kappa',
      selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'kappa-md-0' } },
      maxUnhealthy: '40%',
      nodeStartupTimeout: '10m0s',
    },
    ...(status ? { status } : {}),
  };
}
