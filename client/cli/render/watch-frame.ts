import type { ClusterProgress } from '../../../api/cluster-messages.ts';
import type { Palette } from './colors.ts';
import { renderTable } from './table.ts';
import { phaseText, progressLines } from './workflow-lines.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';

/** `[██████░░░░] 3/5`. */
export function progressBar(step: number, steps: number, width = 20): string {
  const done = steps > 0 ? Math.round((Math.min(step, steps) / steps) * width) : 0;
  return `[${'█'.repeat(done)}${'░'.repeat(width - done)}] ${step}/${steps}`;
}

/** One screen of `capstan watch`: the phase, the operation with a bar, blocked runs and every machine. */
export function watchFrame(
  ref: ClusterRef,
  progress: ClusterProgress,
  now: Date,
  colors: Palette,
  options: { readonly clock?: boolean } = {},
): string {
  const generation = progress.generation === undefined ? '' : ` · generation ${progress.generation}`;
  const clock = options.clock ? colors.dim(` · ${now.toTimeString().slice(0, 8)}`) : '';
  const lines = [
    `Cluster ${clusterKey(ref)} · ${phaseText(progress.phase, colors)}${generation} · ${progress.operations} operation${progress.operations === 1 ? '' : 's'}${clock}`,
  ];
  if (progress.operation) lines.push(`${'Progress'.padEnd(11)}${progressBar(progress.operation.step, progress.operation.steps)}`);
  lines.push(...progressLines(ref, progress, now, colors));
  if (progress.machines.length > 0) {
    const rows = [...progress.machines]
      .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'control-plane' ? -1 : 1))
      .map((m) => [
        m.name,
        m.role,
        m.deployment ?? '',
        m.phase,
        m.ready ? colors.green('True') : colors.yellow('False'),
        m.kubernetesVersion,
        m.talosVersion,
        m.address ?? '',
        m.vm ? `${m.vm.node}/${m.vm.vmid}` : '',
        m.activity ?? '',
      ]);
    lines.push(
      '',
      ...renderTable(
        ['MACHINE', 'ROLE', 'DEPLOYMENT', 'PHASE', 'READY', 'KUBERNETES', 'TALOS', 'ADDRESS', 'VM', 'ACTIVITY'],
        rows,
        colors.bold,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
