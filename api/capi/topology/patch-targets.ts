import type { Cluster } from '../cluster.ts';
import { clusterBuiltins, controlPlaneBuiltins, machineDeploymentBuiltins } from './builtin-variables.ts';
import type { ClassTemplate, ClassTemplates } from './class-templates.ts';
import type { PatchTarget } from './patches.ts';
import type { TopologyNames } from './stable-names.ts';
import type { ResolvedVariables } from './variables.ts';

/** A patch target, with the name of the class template it was copied from (for issues about the result). */
export interface ClassPatchTarget extends PatchTarget {
  readonly templateName: string;
}

const templateJson = (template: ClassTemplate<{ spec: unknown }>): Record<string, unknown> => ({
  apiVersion: template.apiVersion,
  kind: template.kind,
  spec: structuredClone(template.object.spec),
});

/**
 * The templates patches apply to for one Cluster, in CAPI's order: the infrastructure cluster, the
 * control plane and its machine template, then per topology MachineDeployment its bootstrap and
 * machine templates; each with the variables it sees (the MachineDeployment's overrides, `builtin`).
 */
export function patchTargets(
  cluster: Cluster,
  namespace: string,
  templates: ClassTemplates,
  variables: ResolvedVariables,
  names: TopologyNames,
): ClassPatchTarget[] {
  const topology = cluster.spec.topology!;
  const builtinCluster = { cluster: clusterBuiltins(cluster, namespace, topology) };
  const clusterVars = { ...variables.cluster, builtin: builtinCluster };
  const controlPlaneVars = {
    ...variables.cluster,
    builtin: { ...builtinCluster, controlPlane: controlPlaneBuiltins(names.controlPlane, topology) },
  };
  const targets: ClassPatchTarget[] = [
    {
      role: 'infrastructureCluster',
      description: `the ProxmoxClusterTemplate ${templates.infrastructure.name}`,
      templateName: templates.infrastructure.name,
      object: templateJson(templates.infrastructure),
      variables: clusterVars,
    },
    {
      role: 'controlPlane',
      description: `the TalosControlPlaneTemplate ${templates.controlPlane.name}`,
      templateName: templates.controlPlane.name,
      object: templateJson(templates.controlPlane),
      variables: controlPlaneVars,
    },
    {
      role: 'controlPlaneMachineInfrastructure',
      description: `the control plane's ProxmoxMachineTemplate ${templates.controlPlaneMachine.name}`,
      templateName: templates.controlPlaneMachine.name,
      object: templateJson(templates.controlPlaneMachine),
      variables: controlPlaneVars,
    },
  ];
  for (const md of topology.workers?.machineDeployments ?? []) {
    const worker = templates.workers.get(md.class)!;
    const mdName = names.machineDeployments.get(md.name)!.name;
    const context = {
      machineDeploymentClass: md.class,
      variables: {
        ...variables.machineDeployments.get(md.name),
        builtin: { ...builtinCluster, machineDeployment: machineDeploymentBuiltins(mdName, md, topology) },
      },
    };
    targets.push(
      {
        role: 'machineDeploymentBootstrap',
        description: `the TalosConfigTemplate ${worker.bootstrap.name} of MachineDeployment ${md.name}`,
        templateName: worker.bootstrap.name,
        object: templateJson(worker.bootstrap),
        ...context,
      },
      {
        role: 'machineDeploymentInfrastructure',
        description: `the ProxmoxMachineTemplate ${worker.infrastructure.name} of MachineDeployment ${md.name}`,
        templateName: worker.infrastructure.name,
        object: templateJson(worker.infrastructure),
        ...context,
      },
    );
  }
  return targets;
}
