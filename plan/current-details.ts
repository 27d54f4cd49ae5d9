import { blockedRemedy } from '../api/blocked-remedy.ts';
import type { ClusterProgress } from '../api/cluster-messages.ts';
import type { ClusterRef } from '../api/cluster-ref.ts';
import type { OperationProgress } from '../api/operation-messages.ts';

/** Blocked runs listed in the cluster's details; the progress query has them all. */
const maxBlockedListed = 5;

/**
 * What an operation or machine run shows as its current details in the Web UI (markdown): where
 * it is, on which machine, and — when a step is blocked — the error and how to go on.
 */
export function operationDetails(
  progress: OperationProgress,
  context: { readonly cluster?: ClusterRef | undefined; readonly machine?: string | undefined },
): string {
  const at = progress.steps > 0 ? `step ${progress.step}/${progress.steps}` : 'no step yet';
  // A paragraph of its own: markdown would run a single line break into the text above.
  const machine = context.machine === undefined ? [] : ['', `Machine: \`${context.machine}\``];
  const lines = ((): string[] => {
    switch (progress.phase) {
      case 'Running':
        return [`**Running** ${at}: ${progress.currentStep || 'starting'}`];
      case 'Paused':
        return [`**Paused** at ${at}: the next step waits; send the update \`resume\` to go on.`];
      case 'Succeeded':
        return [`**Succeeded**: ${progress.summary}`];
      case 'Aborted':
        return [`**Aborted** at ${at}; what was done stays in place and is found by the next observation.`];
      case 'Blocked': {
        const blocked = progress.blocked;
        if (blocked === undefined) return [`**Blocked** at ${at}`];
        return [
          `**Blocked** at ${at}: "${blocked.step}" since ${blocked.since}`,
          '',
          `\`${blocked.errorType}\`: ${blocked.message}`,
          '',
          `To go on: send the update \`retry\` to this workflow once the cause is fixed, or \`abort\` with a reason.${
            context.cluster === undefined ? '' : ` From the CLI: ${blockedRemedy(context.cluster)}.`
          }`,
        ];
      }
    }
  })();
  return [...lines, ...machine].join('\n');
}

/**
 * What the cluster workflow shows as its current details: its phase, the running operation's
 * child workflow ID (where its steps and a blocked step are), and the blocked runs by ID.
 */
export function clusterDetails(progress: ClusterProgress, cluster: ClusterRef): string {
  const operation = progress.operation;
  const head = ((): string => {
    switch (progress.phase) {
      case 'Idle':
        return `**Idle**: the cluster matches its spec${progress.observedAt ? ` (observed ${progress.observedAt})` : ''}.`;
      case 'Held':
        return `**Held**: ${progress.held ?? 'waiting for a new spec'}. A changed spec plans again.`;
      case 'Deleted':
        return '**Deleted**: the cluster and everything it held are gone.';
      case 'Released':
        return '**Released**: the cluster is managed by another management cluster now.';
      case 'Running':
      case 'Blocked':
      case 'Paused':
        return `**${progress.phase}**${progress.held ? `: ${progress.held}` : ''}`;
    }
  })();
  const running =
    operation === undefined
      ? []
      : [
          '',
          `Operation: ${operation.summary}, step ${operation.step}/${operation.steps}${operation.currentStep ? `: ${operation.currentStep}` : ''}`,
          `Operation workflow: \`${operation.workflowId}\``,
        ];
  const blocked = progress.blocked
    .slice(0, maxBlockedListed)
    .map((b) => `- \`${b.workflowId}\` at "${b.step}": \`${b.errorType}\`: ${b.message}`);
  const more = progress.blocked.length > maxBlockedListed ? [`- … and ${progress.blocked.length - maxBlockedListed} more`] : [];
  const waiting =
    progress.blocked.length === 0
      ? []
      : [
          '',
          '**Blocked runs**',
          ...blocked,
          ...more,
          '',
          `To go on: ${blockedRemedy(cluster)}; or send \`retry\` to the blocked run's workflow.`,
        ];
  const deleting =
    progress.deleteRequested && progress.phase !== 'Deleted' ? ['', 'Deletion requested: it follows the running operation.'] : [];
  return [head, ...running, ...waiting, ...deleting].join('\n');
}
