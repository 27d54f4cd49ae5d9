import type { MachineShape } from '../api/desired-cluster.ts';
import { fnv1a64, stableStringify } from '../api/hash.ts';

/**
 * The hash a machine records of the shape it was built from (ObservedMachine.shapeHash): a machine
 * whose hash differs from the desired shape's is outdated and is replaced by a rollout.
 */
export function shapeHash(shape: MachineShape): string {
  return fnv1a64(stableStringify(shape));
}
