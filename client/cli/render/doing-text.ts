import type { ClusterProgress } from '../../../api/cluster-messages.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import { operationText } from './status-cells.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';

/** What the cluster is doing, in one clause, for "nothing to retry"-style errors. */
export function doingText(ref: ClusterRef, progress: ClusterProgress): string {
  const cluster = `cluster ${clusterKey(ref)}`;
  switch (progress.phase) {
    case 'Idle':
      return `${cluster} is Idle: no operation runs`;
    case 'Held':
      return `${cluster} is Held: ${progress.held ?? 'it waits for a new spec'}`;
    case 'Deleted':
      return `${cluster} was deleted`;
    case 'Released':
      return `${cluster} was moved to another management cluster (capstan move); it is managed there`;
    case 'Paused':
      return `${cluster} is Paused${progress.operation ? ` in ${operationText(progress.operation)}` : ''}`;
    case 'Blocked':
      return `${cluster} is Blocked`;
    case 'Running':
      return `${cluster} is Running ${progress.operation ? operationText(progress.operation) : 'an operation'}`;
  }
}

/** The follow-up command for a cluster in this phase. */
export function nextStepHint(ref: ClusterRef, progress: ClusterProgress): string {
  const flags = `${ref.name}${namespaceFlag(ref)}`;
  if (progress.phase === 'Running' || progress.phase === 'Paused') return `capstan watch ${flags} follows it`;
  if (progress.phase === 'Held') return `a new spec goes on; capstan plan ${flags} shows what the current one would do`;
  return `capstan describe cluster ${flags} shows its state`;
}
