import type { ClusterProgress, MachineProgress } from '../../../api/cluster-messages.ts';

/** A machine as the cluster workflow's progress reports it. */
export type ProgressMachine = MachineProgress;
export type ProgressOperation = NonNullable<ClusterProgress['operation']> & { readonly deployment?: string };

/** The progress's machines with the optional extras typed. */
export function machinesOf(progress: ClusterProgress | undefined): readonly ProgressMachine[] {
  return progress?.machines ?? [];
}

/** A machine's condition of a type, when the workflow's last observation gave its conditions. */
function conditionOf(machine: ProgressMachine, type: string): NonNullable<ProgressMachine['conditions']>[number] | undefined {
  return machine.conditions?.find((c) => c.type === type);
}

/** Ready as its Machine's Ready condition says (or NodeReady without one); the workflow's flag when it gave no conditions. */
export function isMachineReady(machine: ProgressMachine): boolean {
  const condition = conditionOf(machine, 'Ready') ?? conditionOf(machine, 'NodeReady');
  return condition ? condition.status === 'True' : machine.ready;
}

/** Available as its Available condition says; a ready machine is available otherwise (Capstan has no minReadySeconds). */
export function isMachineAvailable(machine: ProgressMachine): boolean {
  const condition = conditionOf(machine, 'Available');
  return condition ? condition.status === 'True' : isMachineReady(machine);
}

/** Its UpToDate condition, when the workflow gave one (CAPI v1beta2's name). */
export function upToDateCondition(machine: ProgressMachine): boolean | undefined {
  const condition = conditionOf(machine, 'UpToDate');
  return condition ? condition.status === 'True' : undefined;
}

/** The running operation with its optional extras typed. */
export function operationOf(progress: ClusterProgress | undefined): ProgressOperation | undefined {
  return progress?.operation;
}

/** Operations that change the control plane (and so show on the TalosControlPlane). */
export const controlPlaneKinds: ReadonlySet<string> = new Set([
  'provision',
  'upgrade',
  'scale-control-plane',
  'rollout-control-plane',
  'delete',
]);
/** Operations that change one MachineDeployment. */
const deploymentOperations = new Set(['scale-machine-deployment', 'rollout-machine-deployment']);

/** Whether the running operation touches the control plane. */
export function touchesControlPlane(operation: ProgressOperation | undefined): boolean {
  return operation !== undefined && controlPlaneKinds.has(operation.kind);
}

/**
 * Whether the running operation touches a MachineDeployment: as concernsDeployment says, or,
 * for a scale or rollout that names none, when it works on one of the deployment's machines.
 */
export function touchesDeployment(
  operation: ProgressOperation | undefined,
  deployment: string,
  machines: readonly ProgressMachine[],
): boolean {
  if (operation === undefined) return false;
  if (concernsDeployment(operation, deployment)) return true;
  return (
    deploymentOperations.has(operation.kind) &&
    operation.deployment === undefined &&
    machines.some((m) => m.deployment === deployment && m.activity !== undefined)
  );
}

/** Whether a (running or finished) operation concerns a MachineDeployment: cluster-wide ones do, a scale or rollout only its own. */
export function concernsDeployment(
  operation: { readonly kind: string; readonly summary: string; readonly deployment?: string | undefined },
  deployment: string,
): boolean {
  if (!deploymentOperations.has(operation.kind))
    return operation.kind !== 'scale-control-plane' && operation.kind !== 'rollout-control-plane';
  if (operation.deployment !== undefined) return operation.deployment === deployment;
  // Summaries name the deployment as a word: `scale md-0 2 → 3`, `roll out md-0 (2 machines)`, `repair md-0: ...`.
  return operation.summary.split(/[\s():]+/).includes(deployment);
}

/** The oldest of some `v1.33.4`-style versions (empty ones ignored), or undefined. */
export function oldestVersion(versions: readonly string[]): string | undefined {
  const parse = (v: string): number[] =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((n) => Number.parseInt(n, 10) || 0);
  let oldest: string | undefined;
  for (const version of versions) {
    if (version === '') continue;
    if (oldest === undefined) {
      oldest = version;
      continue;
    }
    const [a, b] = [parse(version), parse(oldest)];
    for (let i = 0; i < 3; i++) {
      if ((a[i] ?? 0) !== (b[i] ?? 0)) {
        if ((a[i] ?? 0) < (b[i] ?? 0)) oldest = version;
        break;
      }
    }
  }
  return oldest;
}

/** `upgrade v1.33.4 → v1.34.2: drain node cp-1 (3/12)`, as the Step column and Events show it. */
export function describeStep(operation: ProgressOperation): string {
  if (operation.steps === 0) return operation.currentStep || 'starting';
  return `${operation.currentStep || 'starting'} (${operation.step}/${operation.steps})`;
}
