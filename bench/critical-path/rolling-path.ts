// The shortest rolling update of a MachineDeployment the infrastructure allows with maxSurge s and
// maxUnavailable 0: ⌈N/s⌉ batches, each s new workers to Node Ready (their clones sharing the
// clone slots) and then the s old ones drained and destroyed. With s no larger than the clone
// slots this is the issue's ⌈N/s⌉ × one replacement.
import type { InfraDelays } from './infra-delays.ts';
import { replacementBatch } from './machine-path.ts';

/** What is rolled. */
export interface RollingShape {
  readonly replicas: number;
  readonly maxSurge: number;
  readonly cloneSlots: number;
}

/** The critical path of the rolling update, in ms. */
export function rollingCriticalPath(d: InfraDelays, shape: RollingShape): number {
  if (shape.maxSurge < 1) throw new Error('a rolling update with maxUnavailable 0 needs maxSurge of at least 1');
  let total = 0;
  for (let left = shape.replicas; left > 0; left -= shape.maxSurge) {
    total += replacementBatch(d, Math.min(left, shape.maxSurge), shape.cloneSlots);
  }
  return total;
}
