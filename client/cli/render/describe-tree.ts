import { controlPlaneLabel, deploymentNameLabel } from '../../../api/capi/annotations.ts';
import { ConditionReason, ConditionType, type Condition } from '../../../api/capi/conditions.ts';
import type { Machine } from '../../../api/capi/machine.ts';
import type { MachineDeployment } from '../../../api/capi/machine-deployment.ts';
import type { BlockedRun, ClusterProgress, MachineProgress } from '../../../api/cluster-messages.ts';
import type { ClusterCrs } from '../read/cluster-objects.ts';
import {
  clusterCellsFromProgress,
  conditionCells,
  machineCellsFromProgress,
  none,
  notOk,
  ok,
  readyCondition,
  unknown,
  type StatusCells,
} from './status-cells.ts';
import { node, type TreeNode } from './tree.ts';
import { oldest, versionChange } from './versions.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

/** One row of `capstan describe cluster`. */
export interface DescribeRow extends StatusCells {
  readonly name: string;
  /** Kubernetes version. */
  readonly version: string;
  readonly talos: string;
  /** A condition shown under its object (`--show-conditions`), not an object. */
  readonly condition?: boolean;
}

/** What the tree is drawn from: the objects when they exist, the workflow's progress when it runs. */
export interface DescribeInput {
  readonly ref: ClusterRef;
  readonly crs?: ClusterCrs | undefined;
  readonly progress?: ClusterProgress | undefined;
  /** Every condition of every object as a row under it, not only Ready. */
  readonly showConditions?: boolean;
}

/** One machine as both sources know it. */
interface MachineEntry {
  readonly name: string;
  readonly role: 'control-plane' | 'worker';
  readonly deployment?: string | undefined;
  readonly object?: Machine | undefined;
  readonly progress?: MachineProgress | undefined;
  readonly blocked?: BlockedRun | undefined;
}

const machineOfRun = (workflowId: string): string | undefined => /\/machine\/([^/]+)\/[^/]+$/.exec(workflowId)?.[1];

function machineEntries(crs: ClusterCrs | undefined, progress: ClusterProgress | undefined): MachineEntry[] {
  const blocked = new Map(
    (progress?.blocked ?? []).flatMap((run) => {
      const m = machineOfRun(run.workflowId);
      return m ? [[m, run] as const] : [];
    }),
  );
  const entries = new Map<string, MachineEntry>();
  for (const object of crs?.machines ?? []) {
    const labels = object.metadata.labels ?? {};
    const name = object.metadata.name;
    entries.set(name, {
      name,
      role: controlPlaneLabel in labels ? 'control-plane' : 'worker',
      deployment: labels[deploymentNameLabel],
      object,
      blocked: blocked.get(name),
    });
  }
  for (const machine of progress?.machines ?? []) {
    const known = entries.get(machine.name);
    entries.set(machine.name, {
      name: machine.name,
      role: machine.role,
      deployment: machine.deployment ?? known?.deployment,
      object: known?.object,
      progress: machine,
      blocked: blocked.get(machine.name),
    });
  }
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function machineRow(entry: MachineEntry): DescribeRow {
  const condition = readyCondition(entry.object?.status?.conditions);
  const fromProgress = entry.progress ? machineCellsFromProgress(entry.progress, entry.blocked) : undefined;
  // The object's condition, except that a blocked step (live from the workflow) is always shown.
  let cells = entry.blocked && fromProgress ? fromProgress : condition ? conditionCells(condition) : (fromProgress ?? unknown);
  if (cells.message === '' && entry.progress?.activity) cells = { ...cells, message: entry.progress.activity };
  const status = entry.object?.status;
  return {
    name: `Machine/${entry.name}`,
    ...cells,
    version: entry.progress?.kubernetesVersion || status?.nodeInfo?.kubeletVersion || entry.object?.spec.version || '',
    talos: entry.progress?.talosVersion || status?.talosVersion || '',
  };
}

function conditionRows(conditions: readonly Condition[] | undefined, show: boolean | undefined): TreeNode<DescribeRow>[] {
  if (!show) return [];
  return (conditions ?? [])
    .filter((c) => c.type !== ConditionType.Ready)
    .map((c) => node({ name: c.type, ...conditionCells(c), version: '', talos: '', condition: true }));
}

function deploymentCells(md: MachineDeployment | undefined, machines: readonly MachineEntry[]): StatusCells {
  const condition = readyCondition(md?.status?.conditions);
  if (condition) return conditionCells(condition);
  const wanted = md ? (md.spec.replicas ?? 1) : machines.length;
  if (md && machines.length === 0 && wanted > 0 && !md.status) return unknown;
  return replicaCells(machines, wanted, ConditionReason.WaitingForMachines, 'machines');
}

const isReady = (m: MachineEntry): boolean => m.progress?.ready ?? readyCondition(m.object?.status?.conditions)?.status === 'True';

/** Ready when every wanted machine is there and Ready; otherwise scaling, or waiting for the rest. */
function replicaCells(machines: readonly MachineEntry[], wanted: number, waiting: string, noun: string): StatusCells {
  const ready = machines.filter(isReady).length;
  if (machines.length !== wanted) {
    const reason = machines.length < wanted ? ConditionReason.ScalingUp : ConditionReason.ScalingDown;
    return notOk(reason, `${machines.length} → ${wanted} ${noun}, ${ready} ready`);
  }
  return ready === wanted ? ok() : notOk(waiting, `${ready}/${wanted} ${noun} ready`);
}

function controlPlaneCells(crs: ClusterCrs | undefined, machines: readonly MachineEntry[]): StatusCells {
  const condition = readyCondition(crs?.controlPlane?.status?.conditions);
  if (condition) return conditionCells(condition);
  if (crs?.controlPlane && !crs.controlPlane.status && machines.length === 0) return unknown;
  if (machines.length === 0) return notOk(ConditionReason.WaitingForControlPlane, 'no control-plane machines yet');
  return replicaCells(
    machines,
    crs?.controlPlane?.spec.replicas ?? machines.length,
    ConditionReason.WaitingForControlPlane,
    'control-plane machines',
  );
}

/**
 * The tree `capstan describe cluster` prints, as `clusterctl describe cluster` draws it:
 * Cluster → infrastructure, control plane (its Machines), Workers → MachineDeployments (their
 * Machines). Conditions come from the objects when they have them; what the cluster workflow
 * reports fills in the rest (objects not created yet, or a workflow without objects).
 */
export function describeTree(input: DescribeInput): TreeNode<DescribeRow> {
  const { crs, progress, showConditions } = input;
  const machines = machineEntries(crs, progress);
  const controlPlanes = machines.filter((m) => m.role === 'control-plane');
  const cpVersion = oldest(controlPlanes.map((m) => m.progress?.kubernetesVersion || m.object?.status?.nodeInfo?.kubeletVersion));
  const cpTalos = oldest(controlPlanes.map((m) => m.progress?.talosVersion || m.object?.status?.talosVersion));

  const clusterCondition = readyCondition(crs?.cluster.status?.conditions);
  const clusterCells = clusterCondition ? conditionCells(clusterCondition) : progress ? clusterCellsFromProgress(progress) : unknown;
  const children: TreeNode<DescribeRow>[] = [...conditionRows(crs?.cluster.status?.conditions, showConditions)];

  const infra = crs?.infrastructure;
  if (infra) {
    const own = readyCondition(infra.status?.conditions);
    const fromCluster = crs.cluster.status?.conditions?.find((c) => c.type === ConditionType.InfrastructureReady);
    const cells = own
      ? conditionCells(own)
      : infra.status?.ready !== undefined
        ? infra.status.ready
          ? ok()
          : notOk(ConditionReason.Pending, '')
        : fromCluster
          ? conditionCells(fromCluster)
          : unknown;
    children.push(
      node(
        { name: `ClusterInfrastructure - ProxmoxCluster/${infra.metadata.name}`, ...cells, version: '', talos: '' },
        conditionRows(infra.status?.conditions, showConditions),
      ),
    );
  }

  const tcp = crs?.controlPlane;
  const cpName = tcp ? `ControlPlane - TalosControlPlane/${tcp.metadata.name}` : 'ControlPlane';
  children.push(
    node(
      {
        name: cpName,
        ...controlPlaneCells(crs, controlPlanes),
        version: tcp ? versionChange(tcp.status?.version ?? (cpVersion || undefined), tcp.spec.version) : cpVersion,
        talos: cpTalos,
      },
      [...conditionRows(tcp?.status?.conditions, showConditions), ...controlPlanes.map((m) => node(machineRow(m)))],
    ),
  );

  const workers = machines.filter((m) => m.role === 'worker');
  const deploymentNames = [
    ...new Set([...(crs?.machineDeployments ?? []).map((md) => md.metadata.name), ...workers.map((m) => m.deployment ?? '')]),
  ].sort();
  const deployments = deploymentNames.map((name) => {
    const md = crs?.machineDeployments.find((d) => d.metadata.name === name);
    const members = workers.filter((m) => (m.deployment ?? '') === name);
    const version = md?.spec.template.spec.version ?? oldest(members.map((m) => m.progress?.kubernetesVersion));
    const row: DescribeRow = {
      name: name === '' ? 'MachineDeployment/(none)' : `MachineDeployment/${name}`,
      ...deploymentCells(md, members),
      version: versionChange(
        oldest(members.map((m) => m.progress?.kubernetesVersion || m.object?.status?.nodeInfo?.kubeletVersion)) || undefined,
        version,
      ),
      talos: oldest(members.map((m) => m.progress?.talosVersion || m.object?.status?.talosVersion)),
    };
    return node(row, [...conditionRows(md?.status?.conditions, showConditions), ...members.map((m) => node(machineRow(m)))]);
  });
  if (deployments.length > 0) children.push(node({ name: 'Workers', ...none, version: '', talos: '' }, deployments));

  const clusterVersion = crs?.cluster.status?.version ?? cpVersion;
  return node({ name: `Cluster/${input.ref.name}`, ...clusterCells, version: clusterVersion, talos: cpTalos }, children);
}
