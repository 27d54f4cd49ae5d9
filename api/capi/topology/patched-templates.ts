import type { z } from 'zod';
import { joinPath, type IssueLog } from '../mapping/issues.ts';
import { ProxmoxClusterTemplateResource } from '../proxmox-cluster-template.ts';
import { ProxmoxMachineTemplateResource } from '../proxmox-machine-template.ts';
import { TalosConfigTemplateResource } from '../talos-config-template.ts';
import { TalosControlPlaneTemplateResource } from '../talos-control-plane-template.ts';
import type { ClassPatchTarget } from './patch-targets.ts';
import type { TemplateRole } from './patches.ts';

const schemas: Record<TemplateRole, z.ZodType> = {
  infrastructureCluster: ProxmoxClusterTemplateResource,
  controlPlane: TalosControlPlaneTemplateResource,
  controlPlaneMachineInfrastructure: ProxmoxMachineTemplateResource,
  machineDeploymentBootstrap: TalosConfigTemplateResource,
  machineDeploymentInfrastructure: ProxmoxMachineTemplateResource,
};

/**
 * Checks each template as the class's patches left it, against its kind's schema: a patch can write
 * a value its template may not hold (a string where a count belongs, too little memory), and the
 * fix is in the class, so the issue names the template and field and says the patches made it.
 */
export function checkPatchedTemplates(
  targets: readonly ClassPatchTarget[],
  patched: readonly Record<string, unknown>[],
  namespace: string,
  clusterName: string,
  log: IssueLog,
): boolean {
  const before = log.errors.length;
  targets.forEach((target, i) => {
    const result = schemas[target.role].safeParse({ spec: patched[i]?.spec });
    if (result.success) return;
    const object = { kind: String(target.object.kind), namespace, name: target.templateName };
    for (const issue of result.error.issues)
      log.errors.push({
        object,
        path: joinPath('', ...issue.path),
        message: `is invalid after the ClusterClass's patches for Cluster ${clusterName}: ${issue.message}`,
      });
  });
  return log.errors.length === before;
}
