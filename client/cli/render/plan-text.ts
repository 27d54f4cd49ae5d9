import type { Palette } from './colors.ts';
import type { ClusterPlan } from '../../../api/cluster-plan.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';

/** A plan with where its spec came from and what the reader should know about it. */
export interface PlanView {
  readonly ref: ClusterRef;
  readonly plan: ClusterPlan;
  /** `the Cluster objects (generation 3)`, `the spec the cluster workflow has`, `cluster.yaml`. */
  readonly source: string;
  /** Facts that qualify the plan (an operation running now, a workflow not started). */
  readonly notes: readonly string[];
  /** Fields of the manifests Capstan ignores. */
  readonly warnings: readonly string[];
}

/**
 * `capstan plan`: the operation and its steps in the order they would run, or why the operation
 * is refused. Pure text; the command decides the exit code (non-zero when refused).
 */
export function planText(view: PlanView, colors: Palette): string {
  const { plan } = view;
  const lines = [`Plan for ${clusterKey(view.ref)} from ${view.source}:`];
  if (!plan.ok) {
    lines.push(`${colors.red('refused')} ${plan.operation}: ${plan.reason}`);
  } else if (plan.operation === 'none') {
    lines.push(colors.green('nothing to do: the cluster matches this spec'));
  } else {
    lines.push(`${colors.bold(plan.operation)}: ${plan.summary}`);
    const width = String(plan.steps.length).length;
    plan.steps.forEach((step, index) => lines.push(`  ${String(index + 1).padStart(width)}. ${step}`));
  }
  for (const note of view.notes) lines.push(colors.dim(`note: ${note}`));
  for (const warning of view.warnings) lines.push(colors.yellow(`warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}
