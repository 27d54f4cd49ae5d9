import { stableStringify } from '../../hash.ts';
import { clusterNameLabel, topologyDeploymentNameLabel, topologyOwnedLabel } from '../annotations.ts';
import type { Cluster } from '../cluster.ts';
import { rawObject } from './class-templates.ts';
import { generatedName } from './names.ts';
import type { TopologyObjects } from './topology-objects.ts';

/** One topology MachineDeployment's name, and the template names it uses today (when it exists). */
export interface MachineDeploymentNames {
  readonly name: string;
  readonly bootstrapTemplate?: string;
  readonly infrastructureTemplate?: string;
}

/**
 * The names of a Cluster's generated objects. Once chosen they never change: the ProxmoxCluster and
 * the TalosControlPlane are the ones the Cluster references, a MachineDeployment is the one carrying
 * CAPI's topology labels for its entry. New ones get CAPI's default names, their suffix derived
 * from the Cluster rather than random so the generator stays pure.
 */
export interface TopologyNames {
  readonly proxmoxCluster: string;
  readonly controlPlane: string;
  /** The control plane's machine template today, when the control plane exists. */
  readonly controlPlaneMachineTemplate?: string;
  /** By topology name. */
  readonly machineDeployments: ReadonlyMap<string, MachineDeploymentNames>;
}

interface ExistingMachineDeployment {
  // Raw objects from the informer cache: nothing is assumed present.
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: {
    readonly template?: {
      readonly spec?: {
        readonly bootstrap?: { readonly configRef?: { readonly name?: string } };
        readonly infrastructureRef?: { readonly name?: string };
      };
    };
  };
}

export function topologyNames(cluster: Cluster, namespace: string, objects: TopologyObjects): TopologyNames {
  const name = cluster.metadata.name;
  const existing = (refName: string | undefined, list: readonly unknown[]): string | undefined =>
    refName !== undefined && rawObject(list, namespace, refName) !== undefined ? refName : undefined;
  const controlPlane =
    existing(cluster.spec.controlPlaneRef?.name, objects.talosControlPlanes) ??
    generatedName(`${name}-`, { namespace, name, role: 'controlPlane' });
  const controlPlaneObject = rawObject(objects.talosControlPlanes, namespace, controlPlane) as
    { spec?: { infrastructureTemplate?: { name?: string } } } | undefined;
  const machineDeployments = new Map<string, MachineDeploymentNames>();
  for (const md of cluster.spec.topology?.workers?.machineDeployments ?? []) {
    const found = (objects.machineDeployments as readonly ExistingMachineDeployment[]).find((o) => {
      const labels = o.metadata?.labels ?? {};
      return (
        typeof o.metadata?.name === 'string' &&
        (o.metadata.namespace ?? namespace) === namespace &&
        labels[clusterNameLabel] === name &&
        labels[topologyDeploymentNameLabel] === md.name &&
        topologyOwnedLabel in labels
      );
    });
    const machineSpec = found?.spec?.template?.spec;
    machineDeployments.set(md.name, {
      name:
        found?.metadata?.name ??
        generatedName(`${name}-${md.name}-`, { namespace, name, role: 'machineDeployment', topologyName: md.name }),
      ...(machineSpec?.bootstrap?.configRef?.name ? { bootstrapTemplate: machineSpec.bootstrap.configRef.name } : {}),
      ...(machineSpec?.infrastructureRef?.name ? { infrastructureTemplate: machineSpec.infrastructureRef.name } : {}),
    });
  }
  const cpMachineTemplate = controlPlaneObject?.spec?.infrastructureTemplate?.name;
  return {
    proxmoxCluster:
      existing(cluster.spec.infrastructureRef?.name, objects.proxmoxClusters) ??
      generatedName(`${name}-`, { namespace, name, role: 'infrastructure' }),
    controlPlane,
    ...(cpMachineTemplate ? { controlPlaneMachineTemplate: cpMachineTemplate } : {}),
    machineDeployments,
  };
}

/**
 * A generated template's name: the one in use when its content is still what is wanted, otherwise a
 * new name derived from the content. That is CAPI's template rotation: a template is never changed
 * in place, its users move to a new one, and the move is what rolls the machines out.
 */
export function templateName(
  current: string | undefined,
  list: readonly unknown[],
  namespace: string,
  spec: unknown,
  prefix: string,
  seed: unknown,
): string {
  const currentSpec = current === undefined ? undefined : (rawObject(list, namespace, current) as { spec?: unknown } | undefined)?.spec;
  if (current !== undefined && currentSpec !== undefined && stableStringify(currentSpec) === stableStringify(spec)) return current;
  return generatedName(prefix, { seed, spec: stableStringify(spec) });
}
