import type { IntOrPercent } from '../api/desired-cluster.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { checkAddition, checkRemoval, quorumLost, type EtcdMemberHealth } from './etcd-quorum.ts';
import { refuse, type Refusal } from './result.ts';
import { isUpToDate } from './rollout.ts';
import { isUnhealthy } from './scale.ts';
import type { ControlPlaneStep } from '../api/cluster-plan.ts';

/** Ordered control-plane steps, or why the change must not start. */
export type ControlPlanePlan = { readonly ok: true; readonly steps: ControlPlaneStep[] } | Refusal;

/** What the control plane should look like. */
export interface ControlPlaneTarget {
  readonly replicas: number;
  readonly shapeHash: string;
  readonly kubernetesVersion: string;
  /** When set, members on another Talos version are replaced too. */
  readonly talosVersion?: string;
  /** RollingUpdate maxSurge: 1 adds the new machine before removing the old one, 0 the other way round (KCP). */
  readonly maxSurge?: IntOrPercent;
}

/** An etcd member as observed; a control plane whose membership could not be observed counts as one (the safe side). */
const isMember = (m: ObservedMachine): boolean => m.role === 'control-plane' && m.etcdMember !== false;
const isControlPlane = (m: ObservedMachine): boolean => m.role === 'control-plane';
const member = (m: ObservedMachine): EtcdMemberHealth => ({ name: m.name, healthy: m.phase !== 'Deleting' && !isUnhealthy(m) });
const created = (m: ObservedMachine): number => Date.parse(m.createdAt) || 0;
/** Removal order: machines already being deleted, unhealthy, outdated, then oldest. */
const removalOrder =
  (target: ControlPlaneTarget) =>
  (a: ObservedMachine, b: ObservedMachine): number =>
    Number(b.phase === 'Deleting') - Number(a.phase === 'Deleting') ||
    Number(isUnhealthy(b)) - Number(isUnhealthy(a)) ||
    Number(isUpToDate(a, target)) - Number(isUpToDate(b, target)) ||
    created(a) - created(b) ||
    (a.name < b.name ? -1 : 1);

/** Builds a step list while tracking etcd membership, refusing any step that would lose quorum. */
class Sequence {
  readonly steps: ControlPlaneStep[] = [{ kind: 'snapshot-etcd' }];
  private members: EtcdMemberHealth[];
  private added = 0;

  constructor(machines: readonly ObservedMachine[]) {
    this.members = machines.filter(isMember).map(member);
  }

  add(): string | undefined {
    const unsafe = checkAddition(this.members);
    if (unsafe) return unsafe;
    this.added += 1;
    this.steps.push(
      { kind: 'create-machine', role: 'control-plane', created: this.added },
      { kind: 'wait-healthy', machine: { created: this.added } },
    );
    this.members.push({ name: `new control-plane machine ${this.added}`, healthy: true });
    return undefined;
  }

  remove(name: string): string | undefined {
    // A machine that never joined etcd (or left it) only has its machine to delete.
    if (!this.members.some((m) => m.name === name)) {
      this.steps.push({ kind: 'delete-machine', machine: name });
      return undefined;
    }
    const unsafe = checkRemoval(this.members, name);
    if (unsafe) return unsafe;
    const gone = this.members.find((m) => m.name === name);
    // A healthy member hands over leadership and leaves; an unhealthy one is removed by its peers.
    if (gone?.healthy) this.steps.push({ kind: 'forfeit-leadership', machine: name }, { kind: 'leave-etcd', machine: name });
    else this.steps.push({ kind: 'remove-etcd-member', machine: name });
    this.steps.push({ kind: 'delete-machine', machine: name });
    this.members = this.members.filter((m) => m.name !== name);
    return undefined;
  }
}

function result(sequence: Sequence, failure: string | undefined): ControlPlanePlan {
  if (failure) return refuse(failure);
  // The snapshot is only worth taking when something changes.
  return { ok: true, steps: sequence.steps.length > 1 ? sequence.steps : [] };
}

/** Refusals every control-plane change shares: lost quorum, or an unhealthy member that would stay. */
function refusePreconditions(machines: readonly ObservedMachine[], leaving: readonly ObservedMachine[]): string | undefined {
  const lost = quorumLost(machines.filter(isMember).map(member));
  if (lost) return lost;
  const staying = machines.filter((m) => !leaving.includes(m) && isUnhealthy(m));
  const first = staying[0];
  if (!first) return undefined;
  return `${first.name} is unhealthy and would stay an etcd member; repair or replace it before changing the control plane`;
}

/**
 * Scales the control plane one member at a time: machines being deleted are finished first; scale
 * up adds a machine and waits for it to be healthy before the next; scale down removes unhealthy,
 * then outdated, then the oldest members, each leaving etcd explicitly before its machine goes.
 */
export function planControlPlaneScale(target: ControlPlaneTarget, machines: readonly ObservedMachine[]): ControlPlanePlan {
  const all = machines.filter(isControlPlane);
  const live = all.filter((m) => m.phase !== 'Deleting');
  if (live.length === 0) return refuse('there is no control-plane machine to scale from; the cluster needs provisioning');
  const ordered = [...all].sort(removalOrder(target));
  const leaving = ordered.slice(0, all.length - live.length + Math.max(0, live.length - target.replicas));
  const failed = refusePreconditions(all, leaving);
  if (failed) return refuse(failed);
  const sequence = new Sequence(all);
  let failure: string | undefined;
  for (const m of leaving) failure ??= sequence.remove(m.name);
  for (let n = live.length; n < target.replicas; n += 1) failure ??= sequence.add();
  return result(sequence, failure);
}

/**
 * Replaces outdated control-plane machines one at a time (KCP RollingUpdate): with maxSurge 1 the
 * new machine joins and is healthy before the old one leaves etcd; with maxSurge 0 (3+ replicas
 * only) the old one leaves first. Unhealthy outdated members always leave first, as they cannot vote.
 */
export function planControlPlaneRollout(target: ControlPlaneTarget, machines: readonly ObservedMachine[]): ControlPlanePlan {
  const surge = target.maxSurge ?? 1;
  if (surge !== 0 && surge !== 1) return refuse(`control-plane maxSurge must be 0 or 1, not ${surge}`);
  const all = machines.filter(isControlPlane);
  if (surge === 0 && all.length < 3)
    return refuse('control-plane maxSurge 0 needs at least 3 replicas: a smaller etcd cannot lose a member first');
  const ordered = [...all].sort(removalOrder(target));
  const replaced = ordered.filter((m) => m.phase === 'Deleting' || !isUpToDate(m, target));
  const failed = refusePreconditions(all, replaced);
  if (failed) return refuse(failed);
  const sequence = new Sequence(all);
  let failure: string | undefined;
  for (const old of replaced) {
    if (old.phase === 'Deleting') failure ??= sequence.remove(old.name);
    else if (surge === 0 || isUnhealthy(old)) failure ??= sequence.remove(old.name) ?? sequence.add();
    else failure ??= sequence.add() ?? sequence.remove(old.name);
  }
  return result(sequence, failure);
}

/** The line shown for a step in the dry run and the progress query. */
export function describeControlPlaneStep(step: ControlPlaneStep): string {
  switch (step.kind) {
    case 'snapshot-etcd':
      return 'take an etcd snapshot';
    case 'create-machine':
      return `create new control-plane machine ${step.created}`;
    case 'wait-healthy':
      return `wait until ${'name' in step.machine ? step.machine.name : `new control-plane machine ${step.machine.created}`} is Ready and its etcd member healthy`;
    case 'forfeit-leadership':
      return `move etcd leadership away from ${step.machine}`;
    case 'leave-etcd':
      return `remove ${step.machine} from etcd (it leaves by itself)`;
    case 'remove-etcd-member':
      return `remove the etcd member of unhealthy ${step.machine} through a healthy member`;
    case 'delete-machine':
      return `delete machine ${step.machine}`;
  }
}
