import type { DeletePolicy } from '../api/desired-cluster.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { fnv1a64 } from '../api/hash.ts';

/** Not serving: failed, not Ready, or still provisioning. Such machines are always deleted first. */
export function isUnhealthy(machine: ObservedMachine): boolean {
  return machine.phase === 'Failed' || machine.phase === 'Provisioning' || !machine.ready;
}

const created = (m: ObservedMachine): number => {
  const time = Date.parse(m.createdAt);
  return Number.isNaN(time) ? 0 : time;
};
const byName = (a: ObservedMachine, b: ObservedMachine): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Machines in the order a shrinking group gives them up: unhealthy ones first, then by policy —
 * Newest / Oldest by creation time, Random by a hash of `seed` and the name (the same seed always
 * picks the same machines, so a replayed workflow decides the same way). Deleting machines are left out.
 */
export function orderForDeletion(machines: readonly ObservedMachine[], policy: DeletePolicy, seed: string): ObservedMachine[] {
  // Sort keys are computed once per machine: Random's is a hash, the others a creation time.
  const keyed = machines
    .filter((m) => m.phase !== 'Deleting')
    .map((m) => ({
      m,
      unhealthy: isUnhealthy(m),
      key: policy === 'Random' ? fnv1a64(`${seed}/${m.name}`) : policy === 'Newest' ? -created(m) : created(m),
    }));
  const byKey = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  return keyed.sort((a, b) => Number(b.unhealthy) - Number(a.unhealthy) || byKey(a.key, b.key) || byName(a.m, b.m)).map(({ m }) => m);
}

/** What scaling a MachineDeployment takes: machines to create, and names of machines to delete. */
export interface ScalePlan {
  readonly create: number;
  readonly delete: readonly string[];
}

/** What brings a group to `replicas` machines (Deleting ones no longer count); the deletes follow `orderForDeletion`. */
export function planScale(input: {
  readonly replicas: number;
  readonly machines: readonly ObservedMachine[];
  readonly deletePolicy: DeletePolicy;
  readonly seed: string;
}): ScalePlan {
  const live = input.machines.filter((m) => m.phase !== 'Deleting');
  if (live.length <= input.replicas) return { create: input.replicas - live.length, delete: [] };
  const excess = live.length - input.replicas;
  return {
    create: 0,
    delete: orderForDeletion(live, input.deletePolicy, input.seed)
      .slice(0, excess)
      .map((m) => m.name),
  };
}
