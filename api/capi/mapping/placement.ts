import type { VmIdRange } from '../../proxmox.ts';
import type { IssueLog, ObjectKey } from './issues.ts';
import type { TemplateMachine } from './machine-shape.ts';

/**
 * The nodes VMs may go to: the ProxmoxCluster's allowedNodes, else (as CAPMOX) the templates'
 * source nodes.
 */
export function placement(
  allowedNodes: readonly string[] | undefined,
  templates: readonly TemplateMachine[],
  proxmoxKey: ObjectKey,
  log: IssueLog,
): string[] | undefined {
  if (allowedNodes && allowedNodes.length > 0) return [...allowedNodes];
  const sourceNodes = [...new Set(templates.map((t) => t.sourceNode).filter((n): n is string => n !== undefined))];
  if (sourceNodes.length === 0) {
    log.errors.push({
      object: proxmoxKey,
      path: 'spec.allowedNodes',
      message: 'is required when no ProxmoxMachineTemplate sets sourceNode: name the Proxmox VE nodes VMs may run on',
    });
    return undefined;
  }
  log.warnings.push({
    object: proxmoxKey,
    path: 'spec.allowedNodes',
    message: `is empty: Capstan places every VM on the templates' source nodes (${sourceNodes.join(', ')})`,
  });
  return sourceNodes;
}

/**
 * CAPMOX sets vmIDRange per template; Capstan allocates VMIDs per cluster. Templates that set one
 * must agree; templates without one get the cluster's too (said in a warning).
 */
export function sharedVmIdRange(templates: readonly TemplateMachine[], namespace: string, log: IssueLog): VmIdRange | undefined {
  const first = templates.find((t) => t.vmIdRange);
  const range = first?.vmIdRange;
  if (!first || !range) return undefined;
  const text = (r: VmIdRange): string => `${r.start}-${r.end}`;
  const seen = new Set<string>();
  for (const template of templates) {
    if (seen.has(template.template)) continue;
    seen.add(template.template);
    const object = { kind: 'ProxmoxMachineTemplate', namespace, name: template.template };
    const path = 'spec.template.spec.vmIDRange';
    if (!template.vmIdRange) {
      log.warnings.push({
        object,
        path,
        message: `is not set: Capstan uses one VMID range per cluster and puts these VMs in ${text(range)} too`,
      });
    } else if (text(template.vmIdRange) !== text(range)) {
      log.errors.push({
        object,
        path,
        message: `${text(template.vmIdRange)} differs from ${text(range)} of ProxmoxMachineTemplate ${first.template}: Capstan uses one VMID range per cluster; give every template the same range`,
      });
    }
  }
  return range;
}
