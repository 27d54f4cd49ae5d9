import type { ClusterProgress } from '../../../api/cluster-messages.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import type { WorkflowView } from '../read/cluster-workflow.ts';
import type { Palette } from './colors.ts';
import { operationText } from './status-cells.ts';
import { since } from './since.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

const label = (text: string): string => text.padEnd(11);
const more = ' '.repeat(11);

/** The phase word, coloured by how much it needs an operator. */
export function phaseText(phase: ClusterProgress['phase'], colors: Palette): string {
  if (phase === 'Blocked') return colors.red(phase);
  if (phase === 'Held' || phase === 'Paused') return colors.yellow(phase);
  if (phase === 'Idle') return colors.green(phase);
  return colors.cyan(phase);
}

/**
 * What the cluster workflow is doing, under the tree: the running operation and its step i/n,
 * every blocked run with its reason and the commands that decide it, why a held cluster waits,
 * and how the last operations ended.
 */
export function progressLines(ref: ClusterRef, progress: ClusterProgress, now: Date, colors: Palette): string[] {
  const lines: string[] = [];
  const cli = (command: string, extra = ''): string => colors.bold(`capstan ${command} ${ref.name}${namespaceFlag(ref)}${extra}`);
  const op = progress.operation;
  if (op) {
    lines.push(`${label('Operation')}${operationText(op)}${progress.phase === 'Paused' ? colors.yellow(' (paused)') : ''}`);
    lines.push(`${more}${colors.dim(`${op.kind} ${op.workflowId}`)}`);
  }
  for (const run of progress.blocked) {
    lines.push(`${label('Blocked')}${colors.red(`${run.step}: ${run.errorType}`)} ${colors.dim(`since ${since(run.since, now)}`)}`);
    lines.push(`${more}${run.message}`);
    lines.push(`${more}run ${run.workflowId}`);
  }
  if (progress.blocked.length > 0) {
    const only = progress.blocked.length === 1;
    lines.push(`${more}fix the cause, then ${cli('retry')}${only ? '' : ` (all) or ${cli('retry', ' --run <run>')}`}`);
    lines.push(`${more}or correct the spec (kubectl apply or patch): it replaces the blocked operation`);
    lines.push(`${more}or end the operation: ${cli('abort', ' --reason "<why>"')}`);
  }
  if (progress.deleteRequested && progress.phase !== 'Deleted') {
    const after = progress.operation ? 'the running operation ends at its next safe point' : 'the workflow gets to it';
    lines.push(`${label('Delete')}${colors.yellow('requested')}: the cluster is deleted once ${after}`);
  }
  if (progress.phase === 'Held') {
    lines.push(`${label('Held')}${colors.yellow(progress.held ?? 'waiting for a new spec')}`);
    lines.push(`${more}a new spec goes on (kubectl apply or patch); ${cli('plan')} shows what the current one would do`);
  }
  if (progress.recent.length > 0) {
    const recent = progress.recent
      .slice(-3)
      .map((r) => `${r.summary} (${r.outcome === 'Succeeded' ? colors.green(r.outcome) : colors.yellow(r.outcome)})`);
    lines.push(`${label('Recent')}${recent.join(' · ')}`);
  }
  return lines;
}

/** The workflow part of `describe`: a header line, then progressLines when it runs. */
export function workflowLines(ref: ClusterRef, workflow: WorkflowView, now: Date, colors: Palette): string[] {
  switch (workflow.state) {
    case 'absent':
      return [
        `${label('Workflow')}${colors.yellow('not started')}: there is no cluster workflow ${workflow.workflowId} yet`,
        `${more}the Capstan controller starts it once the Cluster's spec is valid (its conditions say why not)`,
      ];
    case 'closed':
      return [
        `${label('Workflow')}${workflow.workflowId} ${workflow.status === 'COMPLETED' ? 'completed' : colors.red(workflow.status.toLowerCase())}${workflow.closeTime ? ` ${since(workflow.closeTime, now)} ago` : ''}`,
      ];
    case 'running': {
      const p = workflow.progress;
      const generation = p.generation === undefined ? '' : ` · generation ${p.generation}`;
      const endpoint = p.controlPlaneEndpoint ? [`${label('Endpoint')}${p.controlPlaneEndpoint}`] : [];
      return [
        `${label('Workflow')}${workflow.workflowId} · ${phaseText(p.phase, colors)}${generation} · ${p.operations} operation${p.operations === 1 ? '' : 's'}`,
        ...endpoint,
        ...progressLines(ref, p, now, colors),
      ];
    }
  }
}
