import type { ObservedMachine } from '../api/observed-cluster.ts';
import { refuse, type Refusal } from './result.ts';
import { isUpToDate, rolloutStep, type RolloutTarget } from './rollout.ts';
import type { PreviewBatch } from '../api/cluster-plan.ts';

/**
 * The batches a rolling update would take if every new machine became Ready and every delete
 * finished before the next batch: the dry run's view of `rolloutStep`, which decides at run time.
 */
export function previewRollout(
  target: RolloutTarget,
  machines: readonly ObservedMachine[],
  group: string,
): { readonly ok: true; readonly batches: PreviewBatch[] } | Refusal {
  let fleet = [...machines];
  const batches: PreviewBatch[] = [];
  let created = 0;
  // A rollout of n machines takes at most 2n + 2 batches (one create and one delete per machine).
  const limit = 2 * (machines.length + target.replicas) + 2;
  for (let round = 0; round <= limit; round += 1) {
    const step = rolloutStep(target, fleet);
    if (!step.ok) return step;
    if (step.done) return { ok: true, batches };
    const names = Array.from({ length: step.create }, () => `${group} new machine ${++created}`);
    if (names.length > 0 || step.delete.length > 0) batches.push({ create: names, delete: step.delete });
    else if (!fleet.some((m) => m.phase === 'Deleting' || comesUp(m, target))) break;
    fleet = fleet
      .filter((m) => !step.delete.includes(m.name) && m.phase !== 'Deleting')
      .map((m) => (comesUp(m, target) ? { ...m, phase: 'Running' as const, ready: true } : m));
    for (const name of names) fleet.push(newMachine(target, name));
  }
  return refuse(`the rolling update of ${group} does not converge as planned; the machines it waits for may be unhealthy`);
}

/** The preview assumes deletes finish and up-to-date machines come up, unless they failed; outdated unhealthy ones stay. */
function comesUp(m: ObservedMachine, target: RolloutTarget): boolean {
  return isUpToDate(m, target) && m.phase !== 'Failed' && !(m.phase === 'Running' && m.ready);
}

function newMachine(target: RolloutTarget, name: string): ObservedMachine {
  return {
    name,
    role: 'worker',
    kubernetesVersion: target.kubernetesVersion,
    talosVersion: '',
    shapeHash: target.shapeHash,
    phase: 'Running',
    ready: true,
    createdAt: '',
  };
}
