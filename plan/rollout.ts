import type { DeletePolicy, IntOrPercent } from '../api/desired-cluster.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { percentOf as percent, scaledValue as scaled } from '../api/int-or-percent.ts';
import { refuse, type Refusal } from './result.ts';
import { orderForDeletion } from './scale.ts';

/** maxSurge and maxUnavailable as machine counts for the desired replicas. */
export interface Fenceposts {
  readonly maxSurge: number;
  readonly maxUnavailable: number;
}

/**
 * CAPI's / Kubernetes' fenceposts: surge rounds up, unavailable rounds down; both *given* as zero
 * is invalid (Deployment validation), but when rounding alone makes both zero, unavailable becomes
 * 1 so the rollout can progress (ResolveFenceposts); unavailable never exceeds replicas (MaxUnavailable).
 */
export function resolveFenceposts(
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  replicas: number,
): ({ readonly ok: true } & Fenceposts) | Refusal {
  if (scaled(maxSurge, 100, true) === 0 && scaled(maxUnavailable, 100, false) === 0) {
    return refuse(
      `maxSurge (${maxSurge}) and maxUnavailable (${maxUnavailable}) cannot both be 0: the rollout could never replace a machine`,
    );
  }
  if ((percent(maxUnavailable) ?? 0) > 100) return refuse(`maxUnavailable (${maxUnavailable}) cannot be more than 100%`);
  const surge = scaled(maxSurge, replicas, true);
  let unavailable = scaled(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { ok: true, maxSurge: surge, maxUnavailable: replicas === 0 ? 0 : Math.min(unavailable, replicas) };
}

/** The desired state of one MachineDeployment under a RollingUpdate strategy. */
export interface RolloutTarget {
  readonly replicas: number;
  readonly shapeHash: string;
  readonly kubernetesVersion: string;
  /** When set, machines on another Talos version are outdated too (a Talos upgrade by replacement). */
  readonly talosVersion?: string;
  readonly maxSurge: IntOrPercent;
  readonly maxUnavailable: IntOrPercent;
  readonly deletePolicy: DeletePolicy;
  /** Makes the Random delete policy deterministic (e.g. the workflow ID). */
  readonly seed: string;
}

/** What to do now: create this many up-to-date machines and delete these; `done` once nothing is left to do. */
export interface RolloutBatch {
  readonly create: number;
  readonly delete: readonly string[];
  readonly done: boolean;
}

/** A machine built from the desired shape and Kubernetes version. */
export function isUpToDate(
  machine: ObservedMachine,
  target: Pick<RolloutTarget, 'shapeHash' | 'kubernetesVersion' | 'talosVersion'>,
): boolean {
  const talos = target.talosVersion === undefined || machine.talosVersion === target.talosVersion;
  return machine.shapeHash === target.shapeHash && machine.kubernetesVersion === target.kubernetesVersion && talos;
}

const isAvailable = (m: ObservedMachine): boolean => m.phase === 'Running' && m.ready;

/**
 * One step of a MachineDeployment rolling update, as CAPI's rolloutRolling does it: scale the new
 * machines up to replicas + maxSurge total, then scale old ones down while keeping replicas −
 * maxUnavailable available (unhealthy old machines first). Call again after the batch is carried
 * out and machines' readiness changed; Deleting machines still count toward the total (their VM exists).
 */
export function rolloutStep(target: RolloutTarget, machines: readonly ObservedMachine[]): ({ readonly ok: true } & RolloutBatch) | Refusal {
  const fenceposts = resolveFenceposts(target.maxSurge, target.maxUnavailable, target.replicas);
  if (!fenceposts.ok) return fenceposts;
  const { replicas, deletePolicy, seed } = target;
  const live = machines.filter((m) => m.phase !== 'Deleting');
  const fresh = live.filter((m) => isUpToDate(m, target));
  const old = live.filter((m) => !isUpToDate(m, target));
  const freshAvailable = fresh.filter(isAvailable).length;
  if (old.length === 0 && fresh.length === replicas && freshAvailable === replicas) return { ok: true, create: 0, delete: [], done: true };

  // reconcileNewMachineSet: never above replicas + maxSurge machines in total.
  const excess = Math.max(0, fresh.length - replicas);
  const toDelete = orderForDeletion(fresh, deletePolicy, seed)
    .slice(0, excess)
    .map((m) => m.name);
  const create = excess > 0 ? 0 : Math.max(0, Math.min(replicas + fenceposts.maxSurge - machines.length, replicas - fresh.length));

  // reconcileOldMachineSets: only what keeps replicas − maxUnavailable machines available.
  const minAvailable = replicas - fenceposts.maxUnavailable;
  const freshUnavailable = fresh.length - excess + create - freshAvailable;
  const maxScaledDown = live.length - excess + create - minAvailable - freshUnavailable;
  if (old.length > 0 && maxScaledDown > 0) {
    const ordered = orderForDeletion(old, deletePolicy, seed);
    // cleanupUnhealthyReplicas: unavailable old machines do not count toward availability, so they go first.
    const unhealthy = ordered.filter((m) => !isAvailable(m)).slice(0, maxScaledDown);
    const rest = ordered.filter((m) => !unhealthy.includes(m));
    // scaleDownOldMachineSetsForRollingUpdate (an excess new machine being deleted no longer counts as available).
    const available = live.filter((m) => isAvailable(m) && !toDelete.includes(m.name)).length;
    const scaleDown = Math.max(0, Math.min(rest.length, available - minAvailable));
    toDelete.push(...unhealthy.map((m) => m.name), ...rest.slice(0, scaleDown).map((m) => m.name));
  }
  return { ok: true, create, delete: toDelete, done: false };
}
