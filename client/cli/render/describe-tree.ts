import { controlPlaneLabel, deploymentNameLabel } from '../../../api/capi/annotations.ts';
import { ConditionReason, ConditionType, type Condition } from '../../../api/capi/conditions.ts';
import type { MachineHealthCheck } from '../../../api/capi/machine-health-check.ts';
import { machineSetNameLabel, machineSetRevisionAnnotation, type MachineSet } from '../../../api/capi/machine-set.ts';
import type { Machine } from '../../../api/capi/machine.ts';
import type { MachineDeployment } from '../../../api/capi/machine-deployment.ts';
import type { BlockedRun, ClusterProgress, HealthCheckProgress, MachineProgress } from '../../../api/cluster-messages.ts';
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
  /** Where a machine's VM runs: `<proxmox node>/<vmid>`. */
  readonly vm: string;
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

/** One machine: its Machine object (the inventory) and what the workflow says it is doing. */
interface MachineEntry {
  readonly name: string;
  readonly role: 'control-plane' | 'worker';
  readonly deployment?: string | undefined;
  /** The MachineSet it belongs to, when its object names one. */
  readonly machineSet?: string | undefined;
  readonly object?: Machine | undefined;
  readonly progress?: MachineProgress | undefined;
  readonly blocked?: BlockedRun | undefined;
}

const row = (name: string, cells: StatusCells, extra: Partial<Pick<DescribeRow, 'version' | 'talos' | 'vm'>> = {}): DescribeRow => ({
  name,
  ...cells,
  version: extra.version ?? '',
  talos: extra.talos ?? '',
  vm: extra.vm ?? '',
});

const machineOfRun = (workflowId: string): string | undefined => /\/machine\/([^/]+)\/[^/]+$/.exec(workflowId)?.[1];

/**
 * The machines to draw: the Machine objects when any exist (the inventory is the truth), each
 * with what the workflow adds (its current step, a blocked run); the workflow's own list only
 * before the first Machine is recorded.
 */
function machineEntries(crs: ClusterCrs | undefined, progress: ClusterProgress | undefined): MachineEntry[] {
  const blocked = new Map(
    (progress?.blocked ?? []).flatMap((run) => {
      const m = machineOfRun(run.workflowId);
      return m ? [[m, run] as const] : [];
    }),
  );
  const reported = new Map((progress?.machines ?? []).map((m) => [m.name, m]));
  const objects = crs?.machines ?? [];
  const entries: MachineEntry[] =
    objects.length > 0
      ? objects.map((object) => {
          const labels = object.metadata.labels ?? {};
          const name = object.metadata.name;
          const machine = reported.get(name);
          const owner = object.metadata.ownerReferences as { kind?: string; name?: string }[] | undefined;
          return {
            name,
            role: controlPlaneLabel in labels ? 'control-plane' : (machine?.role ?? 'worker'),
            deployment: labels[deploymentNameLabel] ?? machine?.deployment,
            machineSet: labels[machineSetNameLabel] ?? owner?.find((o) => o.kind === 'MachineSet')?.name,
            object,
            progress: machine,
            blocked: blocked.get(name),
          };
        })
      : [...reported.values()].map((machine) => ({
          name: machine.name,
          role: machine.role,
          deployment: machine.deployment,
          progress: machine,
          blocked: blocked.get(machine.name),
        }));
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

// Conditions whose False is the normal state: they say nothing is wrong.
const falseIsNormal: ReadonlySet<string> = new Set([
  ConditionType.Paused,
  ConditionType.Deleting,
  ConditionType.RollingOut,
  ConditionType.Blocked,
  'Updating',
]);

/** A Machine's Ready condition, with the reason and message of its first False condition: what is actually wrong. */
function machineConditionCells(conditions: readonly Condition[], ready: Condition): StatusCells {
  const cells = conditionCells(ready);
  const cause = conditions.find((c) => c.status === 'False' && c.type !== ConditionType.Ready && !falseIsNormal.has(c.type));
  if (!cause) return cells;
  return {
    ...cells,
    ...(ready.status === 'True' ? {} : { severity: cause.severity || cells.severity }),
    reason: cause.reason ?? cells.reason,
    message: cause.message ?? (cause.reason ? '' : cells.message),
  };
}

function machineRow(entry: MachineEntry): DescribeRow {
  const conditions = entry.object?.status?.conditions ?? [];
  const ready = readyCondition(conditions);
  const fromProgress = entry.progress ? machineCellsFromProgress(entry.progress, entry.blocked) : undefined;
  // The object's conditions, except that a blocked step (live from the workflow) is always shown.
  let cells = entry.blocked && fromProgress ? fromProgress : ready ? machineConditionCells(conditions, ready) : (fromProgress ?? unknown);
  // What the workflow is doing to the machine now, when the conditions do not already say it.
  const activity = entry.progress?.activity;
  if (activity && !entry.blocked && !cells.message.includes(activity))
    cells = { ...cells, message: cells.message === '' ? activity : `${cells.message} · ${activity}` };
  const status = entry.object?.status;
  const vm = status?.proxmox ?? entry.progress?.vm;
  return row(`Machine/${entry.name}`, cells, {
    version: status?.nodeInfo?.kubeletVersion || entry.progress?.kubernetesVersion || entry.object?.spec.version || '',
    talos: status?.talosVersion || entry.progress?.talosVersion || '',
    vm: vm ? `${vm.node}/${vm.vmid}` : '',
  });
}

const kubernetesOf = (m: MachineEntry): string | undefined =>
  m.object?.status?.nodeInfo?.kubeletVersion || m.progress?.kubernetesVersion || undefined;
const talosOf = (m: MachineEntry): string | undefined => m.object?.status?.talosVersion || m.progress?.talosVersion || undefined;

function conditionRows(conditions: readonly Condition[] | undefined, show: boolean | undefined): TreeNode<DescribeRow>[] {
  if (!show) return [];
  return (conditions ?? [])
    .filter((c) => c.type !== ConditionType.Ready)
    .map((c) => node({ ...row(c.type, conditionCells(c)), condition: true }));
}

function deploymentCells(md: MachineDeployment | undefined, machines: readonly MachineEntry[]): StatusCells {
  const condition = readyCondition(md?.status?.conditions);
  if (condition) return conditionCells(condition);
  const wanted = md ? (md.spec.replicas ?? 1) : machines.length;
  if (md && machines.length === 0 && wanted > 0 && !md.status) return unknown;
  return replicaCells(machines, wanted, ConditionReason.WaitingForMachines, 'machines');
}

const isReady = (m: MachineEntry): boolean => {
  const condition = readyCondition(m.object?.status?.conditions);
  return condition ? condition.status === 'True' : (m.progress?.ready ?? false);
};

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

const revisionOf = (set: MachineSet): number => Number(set.metadata.annotations?.[machineSetRevisionAnnotation] ?? 0);

/** The MachineSets of a MachineDeployment, oldest revision first: during a rollout the old one and the new one. */
function setsOf(crs: ClusterCrs | undefined, deployment: string): MachineSet[] {
  return (crs?.machineSets ?? [])
    .filter((set) => {
      const owner = (set.metadata.ownerReferences as { kind?: string; name?: string }[] | undefined)?.find(
        (o) => o.kind === 'MachineDeployment',
      );
      return (set.metadata.labels?.[deploymentNameLabel] ?? owner?.name) === deployment;
    })
    .sort((a, b) => revisionOf(a) - revisionOf(b) || a.metadata.name.localeCompare(b.metadata.name));
}

function machineSetNode(set: MachineSet, members: readonly MachineEntry[], showConditions: boolean | undefined): TreeNode<DescribeRow> {
  const condition = readyCondition(set.status?.conditions);
  const cells = condition
    ? conditionCells(condition)
    : replicaCells(members, set.spec.replicas ?? members.length, ConditionReason.WaitingForMachines, 'machines');
  return node(
    row(`MachineSet/${set.metadata.name}`, cells, {
      version: versionChange(oldest(members.map(kubernetesOf)) || undefined, set.spec.template.spec.version),
      talos: oldest(members.map(talosOf)),
    }),
    [...conditionRows(set.status?.conditions, showConditions), ...members.map((m) => node(machineRow(m)))],
  );
}

/** `2/3 healthy · remediation allowed`, and which machines are unhealthy and why. */
function healthCheckNode(
  name: string,
  mhc: MachineHealthCheck | undefined,
  reported: HealthCheckProgress | undefined,
): TreeNode<DescribeRow> {
  const allowedCondition = mhc?.status?.conditions?.find((c) => c.type === 'RemediationAllowed');
  const expected = mhc?.status?.expectedMachines ?? reported?.expectedMachines;
  const healthy = mhc?.status?.currentHealthy ?? reported?.currentHealthy;
  const allowed = allowedCondition ? allowedCondition.status === 'True' : reported?.remediationAllowed;
  const counts = expected === undefined ? '' : `${healthy ?? 0}/${expected} healthy`;
  const why = allowedCondition?.message ?? reported?.message;
  const unhealthy = (reported?.unhealthy ?? []).map((u) => `${u.machine} ${u.reason}`);
  const parts = [
    counts,
    allowed === undefined ? '' : allowed ? 'remediation allowed' : `remediation not allowed${why ? `: ${why}` : ''}`,
    unhealthy.length > 0 ? `unhealthy: ${unhealthy.join(', ')}` : '',
  ].filter((p) => p !== '');
  const message = parts.join(' · ');
  const cells = allowedCondition
    ? { ...conditionCells(allowedCondition), message }
    : allowed === undefined
      ? unknown
      : allowed
        ? ok(message)
        : notOk('TooManyUnhealthy', message);
  return node(row(`MachineHealthCheck/${name}`, cells));
}

/**
 * The tree `capstan describe cluster` prints, as `clusterctl describe cluster` draws it:
 * Cluster → infrastructure, control plane (its Machines), Workers → MachineDeployments →
 * MachineSets (their Machines), then the cluster's MachineHealthChecks. Machines and MachineSets
 * are the inventory the cluster workflow records in the management cluster; what the workflow
 * reports adds each machine's current step, and draws the machines before the first is recorded.
 */
export function describeTree(input: DescribeInput): TreeNode<DescribeRow> {
  const { crs, progress, showConditions } = input;
  const machines = machineEntries(crs, progress);
  const controlPlanes = machines.filter((m) => m.role === 'control-plane');
  const cpVersion = oldest(controlPlanes.map(kubernetesOf));
  const cpTalos = oldest(controlPlanes.map(talosOf));

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
        row(`ClusterInfrastructure - ProxmoxCluster/${infra.metadata.name}`, cells),
        conditionRows(infra.status?.conditions, showConditions),
      ),
    );
  }

  const tcp = crs?.controlPlane;
  children.push(
    node(
      row(tcp ? `ControlPlane - TalosControlPlane/${tcp.metadata.name}` : 'ControlPlane', controlPlaneCells(crs, controlPlanes), {
        version: tcp ? versionChange(tcp.status?.version ?? (cpVersion || undefined), tcp.spec.version) : cpVersion,
        talos: cpTalos,
      }),
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
    const sets = setsOf(crs, name);
    const setNames = new Set(sets.map((s) => s.metadata.name));
    const version = md?.spec.template.spec.version ?? oldest(members.map((m) => m.progress?.kubernetesVersion));
    const mdRow = row(name === '' ? 'MachineDeployment/(none)' : `MachineDeployment/${name}`, deploymentCells(md, members), {
      version: versionChange(oldest(members.map(kubernetesOf)) || undefined, version),
      talos: oldest(members.map(talosOf)),
    });
    return node(mdRow, [
      ...conditionRows(md?.status?.conditions, showConditions),
      ...sets.map((set) =>
        machineSetNode(
          set,
          members.filter((m) => m.machineSet === set.metadata.name),
          showConditions,
        ),
      ),
      // Machines no recorded MachineSet holds (none recorded yet, or drawn from the workflow's report).
      ...members.filter((m) => m.machineSet === undefined || !setNames.has(m.machineSet)).map((m) => node(machineRow(m))),
    ]);
  });
  if (deployments.length > 0) children.push(node(row('Workers', none), deployments));

  const reportedChecks = new Map((progress?.healthChecks ?? []).map((c) => [c.name, c]));
  const checkNames = [...new Set([...(crs?.machineHealthChecks ?? []).map((m) => m.metadata.name), ...reportedChecks.keys()])].sort();
  if (checkNames.length > 0)
    children.push(
      node(
        row('MachineHealthChecks', none),
        checkNames.map((name) =>
          healthCheckNode(
            name,
            crs?.machineHealthChecks.find((m) => m.metadata.name === name),
            reportedChecks.get(name),
          ),
        ),
      ),
    );

  const clusterVersion = crs?.cluster.status?.version ?? cpVersion;
  return node(row(`Cluster/${input.ref.name}`, clusterCells, { version: clusterVersion, talos: cpTalos }), children);
}
