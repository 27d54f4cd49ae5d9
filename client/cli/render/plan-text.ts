import type { Palette } from './colors.ts';
import { renderTable } from './table.ts';
import type { ClusterPlan, MachineChange } from '../../../api/cluster-plan.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';
import { estimateDuration, type ActionEstimates, type TimedAction } from '../../../plan/duration-estimate.ts';

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
  /** Each action's expected duration and its source; without them no duration is shown. */
  readonly estimates?: ActionEstimates | undefined;
}

const actionNames: Record<TimedAction, string> = {
  replace: 'replacement',
  'upgrade-talos': 'in-place Talos upgrade',
  'upgrade-kubernetes': 'in-place Kubernetes upgrade',
  'snapshot-etcd': 'etcd snapshot',
};

/** `~45s`, `~6m`, `~1h 05m`: an estimate, so no false precision. */
export function approximately(seconds: number): string {
  if (seconds < 90) return `~${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `~${minutes}m`;
  return `~${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

const change = (from: string, to: string): string => (from === to ? `${to} (unchanged)` : `${from} → ${to}`);

function howChanged(c: MachineChange): string {
  const replacements = c.actions.filter((a) => a === 'replace').length;
  if (replacements === 0) return 'in place';
  return replacements === 1 ? 'replaced' : `replaced ${replacements}×`;
}

/** Per machine what happens and how long; then the whole operation's duration and where each figure comes from. */
function machineLines(plan: Extract<ClusterPlan, { ok: true }>, estimates: ActionEstimates | undefined, colors: Palette): string[] {
  const changes = plan.machineChanges ?? [];
  if (changes.length === 0) return [];
  const estimate = estimates && plan.stages ? estimateDuration(plan.stages, changes, estimates) : undefined;
  const headers = ['MACHINE', 'GROUP', 'CHANGE', 'KUBERNETES', 'TALOS', ...(estimate ? ['EXPECTED'] : [])];
  const rows = changes.map((c) => [
    c.name,
    c.deployment ?? 'control plane',
    howChanged(c),
    change(c.from.kubernetes, c.to.kubernetes),
    change(c.from.talos, c.to.talos),
    ...(estimate ? [approximately(estimate.perMachine[c.name] ?? 0)] : []),
  ]);
  const lines = ['Machines:', ...renderTable(headers, rows, colors.dim).map((l) => `  ${l}`)];
  if (!estimate || !estimates || !plan.stages) return lines;
  const used = [...new Set(plan.stages.map((s) => s.action))];
  const described = (source: string) =>
    used
      .filter((a) => (estimates[a].source === 'default') === (source === 'default'))
      .map((a) => `${actionNames[a]} ${approximately(estimates[a].seconds)}${source === 'default' ? '' : ` (${estimates[a].source})`}`);
  const measured = described('measured');
  const defaults = described('default');
  lines.push(`Expected duration: ${colors.bold(approximately(estimate.totalSeconds))}, its stages one after another`);
  if (measured.length > 0) lines.push(`  measured on this cluster: ${measured.join(', ')}`);
  if (defaults.length > 0) lines.push(`  Capstan's default estimates: ${defaults.join(', ')}`);
  return lines;
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
    lines.push(...machineLines(plan, view.estimates, colors));
  }
  for (const note of view.notes) lines.push(colors.dim(`note: ${note}`));
  for (const warning of view.warnings) lines.push(colors.yellow(`warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}
