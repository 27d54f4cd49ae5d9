import { topologyDeploymentNameLabel } from '../annotations.ts';
import { ClusterClass } from '../cluster-class.ts';
import type { MachineDeploymentTopology } from '../cluster-topology.ts';
import { Cluster } from '../cluster.ts';
import { joinPath, newIssueLog, uniqueIssues, parseAt, type IssueLog, type MappingIssue, type ObjectKey } from '../mapping/issues.ts';
import type { ObjectReference } from '../meta.ts';
import { classTemplates, rawObject, type ClassTemplates } from './class-templates.ts';
import { copiedTemplate, generatedContext, machineDeploymentObject, objectFromTemplate, refTo, type Json } from './generated-objects.ts';
import { patchTargets } from './patch-targets.ts';
import { checkPatchedTemplates } from './patched-templates.ts';
import { applyPatches, checkPatches } from './patches.ts';
import { templateName, topologyNames } from './stable-names.ts';
import { reportClassUnsupported, reportTopologyUnsupported } from './unsupported-fields.ts';
import type { TopologyObjects } from './topology-objects.ts';
import { resolveVariables, type ResolvedVariables } from './variables.ts';

export type { TopologyObjects } from './topology-objects.ts';

/** The objects of one topology MachineDeployment. */
export interface GeneratedMachineDeployment {
  readonly topologyName: string;
  readonly machineDeployment: Json;
  readonly bootstrapTemplate: Json;
  readonly infrastructureTemplate: Json;
}

/** What CAPI's topology controller would own for one Cluster, as objects to apply. */
export interface GeneratedTopology {
  /** To set on the Cluster. */
  readonly controlPlaneRef: ObjectReference;
  readonly infrastructureRef: ObjectReference;
  readonly proxmoxCluster: Json;
  readonly talosControlPlane: Json;
  readonly controlPlaneMachineTemplate: Json;
  readonly machineDeployments: readonly GeneratedMachineDeployment[];
  /** Every generated object, templates before the objects that reference them (the order to create them in). */
  readonly objects: readonly Json[];
}

export type TopologyResult =
  | { readonly ok: true; readonly generated: GeneratedTopology; readonly warnings: readonly MappingIssue[] }
  | { readonly ok: false; readonly errors: readonly MappingIssue[]; readonly warnings: readonly MappingIssue[] };

const key = (kind: string, namespace: string, name: string): ObjectKey => ({ kind, namespace, name });

/**
 * Generates the objects a Cluster with `spec.topology` stands for, as CAPI's topology controller
 * does: the ProxmoxCluster (from the class's ProxmoxClusterTemplate), the TalosControlPlane (from
 * its TalosControlPlaneTemplate, with the topology's version and replicas) and its
 * ProxmoxMachineTemplate, and per topology MachineDeployment the MachineDeployment with its
 * TalosConfigTemplate and ProxmoxMachineTemplate; variables checked and patches applied. Pure.
 * Objects generated earlier keep their names; a template whose content changes gets a new name
 * (and its MachineDeployment or control plane is pointed at it), so the change rolls out.
 * Everything refused comes back as an error naming the object and field.
 */
export function generateTopology(rawCluster: unknown, objects: TopologyObjects): TopologyResult {
  const log = newIssueLog();
  const generated = generate(rawCluster, objects, log);
  const warnings = uniqueIssues(log.warnings);
  if (!generated || log.errors.length > 0) {
    if (log.errors.length === 0) throw new Error('topology generation failed without saying why'); // a bug, not bad input
    return { ok: false, errors: uniqueIssues(log.errors), warnings };
  }
  return { ok: true, generated, warnings };
}

function generate(rawCluster: unknown, objects: TopologyObjects, log: IssueLog): GeneratedTopology | undefined {
  const meta = (rawCluster as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  const namespace = typeof meta?.namespace === 'string' ? meta.namespace : 'default';
  const clusterKey = key('Cluster', namespace, typeof meta?.name === 'string' ? meta.name : '');
  const cluster = parseAt(Cluster, { ...(rawCluster as object), status: undefined }, clusterKey, '', log);
  if (!cluster) return undefined;
  const topology = cluster.spec.topology;
  if (!topology) {
    log.errors.push({ object: clusterKey, path: 'spec.topology', message: 'is required to generate objects from a ClusterClass' });
    return undefined;
  }
  reportTopologyUnsupported(cluster, clusterKey, log);
  if (topology.classNamespace !== undefined && topology.classNamespace !== namespace) {
    log.errors.push({
      object: clusterKey,
      path: 'spec.topology.classNamespace',
      message: `must be the Cluster's namespace ${namespace}: Capstan reads ClusterClasses from the Cluster's namespace only`,
    });
    return undefined;
  }

  const classKey = key('ClusterClass', namespace, topology.class);
  const rawClass = rawObject(objects.clusterClasses, namespace, topology.class);
  if (rawClass === undefined) {
    log.errors.push({
      object: clusterKey,
      path: 'spec.topology.class',
      message: `ClusterClass ${namespace}/${topology.class} does not exist`,
    });
    return undefined;
  }
  const cc = parseAt(ClusterClass, { ...(rawClass as object), status: undefined }, classKey, '', log);
  if (!cc) return undefined;
  reportClassUnsupported(cc, classKey, log);
  const patchesOk = checkPatches(cc.spec.patches ?? [], classKey, log);
  const templates = classTemplates(cc, classKey, objects, log);
  const variables = resolveVariables(cc.spec.variables ?? [], classKey, topology, clusterKey, log);
  const mdsOk = checkMachineDeployments(topology.workers?.machineDeployments ?? [], templates, clusterKey, log);
  if (!patchesOk || !templates || !variables || !mdsOk || log.errors.length > 0) return undefined;
  return build(cluster, namespace, cc, classKey, templates, variables, objects, log);
}

function checkMachineDeployments(
  mds: readonly MachineDeploymentTopology[],
  templates: ClassTemplates | undefined,
  clusterKey: ObjectKey,
  log: IssueLog,
): boolean {
  const before = log.errors.length;
  const seen = new Set<string>();
  mds.forEach((md, i) => {
    const at = joinPath('spec.topology.workers.machineDeployments', i);
    if (seen.has(md.name)) log.errors.push({ object: clusterKey, path: joinPath(at, 'name'), message: `${md.name} is used twice` });
    seen.add(md.name);
    if (templates && !templates.workers.has(md.class))
      log.errors.push({
        object: clusterKey,
        path: joinPath(at, 'class'),
        message: `${md.class} is not a worker class of the ClusterClass (it has ${[...templates.workers.keys()].join(', ') || 'none'})`,
      });
  });
  return log.errors.length === before;
}

function build(
  cluster: Cluster,
  namespace: string,
  cc: ClusterClass,
  classKey: ObjectKey,
  templates: ClassTemplates,
  variables: ResolvedVariables,
  objects: TopologyObjects,
  log: IssueLog,
): GeneratedTopology | undefined {
  const topology = cluster.spec.topology!;
  const name = cluster.metadata.name;
  const names = topologyNames(cluster, namespace, objects);
  const targets = patchTargets(cluster, namespace, templates, variables, names);
  const patched = applyPatches(cc.spec.patches ?? [], targets, classKey, log);
  if (!patched || !checkPatchedTemplates(targets, patched, namespace, name, log)) return undefined;
  const [infraPatched, cpPatched, cpMachinePatched] = patched as [Json, Json, Json];
  const context = generatedContext(cluster, namespace);

  const proxmoxCluster = objectFromTemplate('ProxmoxCluster', names.proxmoxCluster, templates.infrastructure, infraPatched, context);

  const cpMachineName = templateName(
    names.controlPlaneMachineTemplate,
    objects.proxmoxMachineTemplates,
    namespace,
    cpMachinePatched.spec,
    `${name}-`,
    {
      namespace,
      name,
      role: 'controlPlaneMachine',
    },
  );
  const controlPlaneMachineTemplate = copiedTemplate(templates.controlPlaneMachine, cpMachinePatched, cpMachineName, context, {});

  const classMeta = cc.spec.controlPlane.metadata;
  const topologyMeta = topology.controlPlane?.metadata;
  const talosControlPlane = objectFromTemplate('TalosControlPlane', names.controlPlane, templates.controlPlane, cpPatched, context, {
    labels: { ...classMeta?.labels, ...topologyMeta?.labels },
    annotations: { ...classMeta?.annotations, ...topologyMeta?.annotations },
  });
  const replicas = topology.controlPlane?.replicas;
  talosControlPlane.spec = {
    ...talosControlPlane.spec,
    ...(replicas !== undefined ? { replicas } : {}),
    version: topology.version,
    infrastructureTemplate: refTo(controlPlaneMachineTemplate),
  };

  const machineDeployments = (topology.workers?.machineDeployments ?? []).map((md, i): GeneratedMachineDeployment => {
    const worker = templates.workers.get(md.class)!;
    const mdNames = names.machineDeployments.get(md.name)!;
    const [bootstrapPatched, infraPatched] = [patched[3 + 2 * i]!, patched[4 + 2 * i]!];
    const prefix = `${name}-${md.name}-`;
    const seed = { namespace, name, topologyName: md.name };
    const labels = { [topologyDeploymentNameLabel]: md.name };
    const bootstrapName = templateName(mdNames.bootstrapTemplate, objects.talosConfigTemplates, namespace, bootstrapPatched.spec, prefix, {
      ...seed,
      role: 'bootstrap',
    });
    const infraName = templateName(mdNames.infrastructureTemplate, objects.proxmoxMachineTemplates, namespace, infraPatched.spec, prefix, {
      ...seed,
      role: 'infrastructure',
    });
    const bootstrapTemplate = copiedTemplate(worker.bootstrap, bootstrapPatched, bootstrapName, context, labels);
    const infrastructureTemplate = copiedTemplate(worker.infrastructure, infraPatched, infraName, context, labels);
    const templatesOf = { bootstrap: bootstrapTemplate, infrastructure: infrastructureTemplate };
    return {
      topologyName: md.name,
      machineDeployment: machineDeploymentObject(md, worker.definition, mdNames.name, topology.version, templatesOf, context),
      bootstrapTemplate,
      infrastructureTemplate,
    };
  });

  return {
    controlPlaneRef: refTo(talosControlPlane),
    infrastructureRef: refTo(proxmoxCluster),
    proxmoxCluster,
    talosControlPlane,
    controlPlaneMachineTemplate,
    machineDeployments,
    objects: [
      proxmoxCluster,
      controlPlaneMachineTemplate,
      talosControlPlane,
      ...machineDeployments.flatMap((md) => [md.bootstrapTemplate, md.infrastructureTemplate, md.machineDeployment]),
    ],
  };
}
