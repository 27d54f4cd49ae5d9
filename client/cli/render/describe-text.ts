import type { WorkflowView } from '../read/cluster-workflow.ts';
import type { Palette } from './colors.ts';
import type { DescribeRow } from './describe-tree.ts';
import { since } from './since.ts';
import { renderTable } from './table.ts';
import { flattenTree, type TreeNode } from './tree.ts';
import { workflowLines } from './workflow-lines.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

const headers = ['NAME', 'READY', 'SEVERITY', 'REASON', 'SINCE', 'VERSION', 'TALOS', 'VM', 'MESSAGE'];

function readyText(row: DescribeRow, colors: Palette): string {
  if (row.ready === 'True') return colors.green(row.ready);
  if (row.ready === 'False')
    return row.severity === 'Error' ? colors.red(row.ready) : row.severity === 'Warning' ? colors.yellow(row.ready) : row.ready;
  return colors.dim(row.ready);
}

/** The tree as a table: one line per object, the tree drawn in the NAME column. */
export function treeTable(tree: TreeNode<DescribeRow>, now: Date, colors: Palette): string[] {
  const rows = flattenTree(tree).map(({ prefix, value: row }) => [
    `${colors.dim(prefix)}${row.condition ? colors.dim(row.name) : row.name}`,
    readyText(row, colors),
    row.severity === 'Error' ? colors.red(row.severity) : row.severity === 'Warning' ? colors.yellow(row.severity) : row.severity,
    row.reason,
    since(row.since, now),
    row.version,
    row.talos,
    row.vm,
    row.message,
  ]);
  return renderTable(headers, rows, colors.bold);
}

/** Everything `capstan describe cluster` prints: the tree, a blank line, then the workflow section. */
export function describeText(ref: ClusterRef, tree: TreeNode<DescribeRow>, workflow: WorkflowView, now: Date, colors: Palette): string {
  return `${[...treeTable(tree, now, colors), '', ...workflowLines(ref, workflow, now, colors)].join('\n')}\n`;
}
