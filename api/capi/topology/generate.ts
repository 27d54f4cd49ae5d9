import { stableStringify } from '../../hash.ts';
import {
  clonedFromGroupKindAnnotation,
  clonedFromNameAnnotation,
  clusterNameLabel,
  topologyDeploymentNameLabel,
  topologyOwnedLabel,
} from '../annotations.ts';
import { ClusterClass, type MachineDeploymentClass } from '../cluster-class.ts';
import type { MachineDeploymentTopology } from '../cluster-topology.ts';
import { Cluster } from '../cluster.ts';
import { capiGroup, capiVersion, groupOf } from '../groups.ts';
import { describeIssue, joinPath, newIssueLog, parseAt, type IssueLog, type MappingIssue, type ObjectKey } from '../mapping/issues.ts';
import { reportUnsupported, type UnsupportedField } from '../mapping/unsupported.ts';
import type { ObjectReference } from '../meta.ts';
import { clusterBuiltins, controlPlaneBuiltins, machineDeploymentBuiltins } from './builtin-variables.ts';
import { classTemplates, rawObject, type ClassTemplate, type ClassTemplates } from './class-templates.ts';
import { generatedName } from './names.ts';
import { applyPatches, checkPatches, type PatchTarget } from './patches.ts';
import type { TopologyObjects } from './topology-objects.ts';
import { resolveVariables, type ResolvedVariables } from './variables.ts';

export type { TopologyObjects } from './topology-objects.ts';

type Json = Record<string, unknown>;

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

const topologyUnsupported: readonly UnsupportedField[] = [
  { path: 'spec.topology.rolloutAfter', reason: 'Capstan rolls out when the class or the topology changes' },
  { path: 'spec.topology.controlPlane.machineHealthCheck', reason: 'write a MachineHealthCheck for the control plane instead' },
  { path: 'spec.topology.controlPlane.nodeDrainTimeout', reason: 'TalosControlPlane has no drain timeout; Capstan uses its default' },
  { path: 'spec.topology.controlPlane.nodeVolumeDetachTimeout', reason: 'Capstan waits for no volume detachment' },
  { path: 'spec.topology.controlPlane.nodeDeletionTimeout', reason: 'Capstan deletes Nodes itself' },
];

const classUnsupported: readonly UnsupportedField[] = [
  { path: 'spec.infrastructureNamingStrategy', reason: "Capstan names generated objects as CAPI's default strategy does" },
  { path: 'spec.controlPlane.namingStrategy', reason: "Capstan names generated objects as CAPI's default strategy does" },
  { path: 'spec.controlPlane.machineHealthCheck', reason: 'write a MachineHealthCheck for the control plane instead' },
  { path: 'spec.controlPlane.nodeDrainTimeout', reason: 'TalosControlPlane has no drain timeout; Capstan uses its default' },
  { path: 'spec.controlPlane.nodeVolumeDetachTimeout', reason: 'Capstan waits for no volume detachment' },
  { path: 'spec.controlPlane.nodeDeletionTimeout', reason: 'Capstan deletes Nodes itself' },
];

const key = (kind: string, namespace: string, name: string): ObjectKey => ({ kind, namespace, name });
const sameContent = (a: unknown, b: unknown): boolean => stableStringify(a) === stableStringify(b);
const specOf = (object: unknown): unknown => (object as { spec?: unknown } | undefined)?.spec;
const labelsOf = (object: unknown): Record<string, string> =>
  (object as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels ?? {};

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
  const warnings = unique(log.warnings);
  if (!generated || log.errors.length > 0) {
    if (log.errors.length === 0) throw new Error('topology generation failed without saying why'); // a bug, not bad input
    return { ok: false, errors: unique(log.errors), warnings };
  }
  return { ok: true, generated, warnings };
}

function unique(issues: readonly MappingIssue[]): MappingIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const text = describeIssue(issue);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
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
  reportUnsupported(cluster, topologyUnsupported, clusterKey, log);
  (topology.workers?.machineDeployments ?? []).forEach((md, i) => {
    if (md.machineHealthCheck !== undefined)
      log.warnings.push({
        object: clusterKey,
        path: joinPath('spec.topology.workers.machineDeployments', i, 'machineHealthCheck'),
        message: 'is not supported by Capstan and is ignored: write a MachineHealthCheck for the MachineDeployment instead',
      });
  });
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
  reportUnsupported(cc, classUnsupported, classKey, log);
  if ((cc.spec.workers?.machinePools ?? []).length > 0)
    log.errors.push({
      object: classKey,
      path: 'spec.workers.machinePools',
      message: 'MachinePools are not supported by Capstan; use machineDeployments',
    });
  (cc.spec.workers?.machineDeployments ?? []).forEach((md, i) => {
    const at = joinPath('spec.workers.machineDeployments', i);
    if (md.namingStrategy !== undefined)
      log.warnings.push({
        object: classKey,
        path: joinPath(at, 'namingStrategy'),
        message: `is not supported by Capstan and is ignored: Capstan names generated objects as CAPI's default strategy does`,
      });
    if (md.machineHealthCheck !== undefined)
      log.warnings.push({
        object: classKey,
        path: joinPath(at, 'machineHealthCheck'),
        message: 'is not supported by Capstan and is ignored: write a MachineHealthCheck for the MachineDeployments instead',
      });
  });
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

/** The object a template stamps out: the template's `spec.template` becomes the object's spec and metadata. */
function fromTemplate(
  template: ClassTemplate<unknown>,
  patched: Json,
): { spec: Json; labels: Record<string, string>; annotations: Record<string, string> } {
  const inner = (
    patched.spec as { template?: { spec?: Json; metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } }
  ).template;
  return {
    spec: structuredClone(inner?.spec ?? {}),
    labels: { ...inner?.metadata?.labels },
    annotations: { ...inner?.metadata?.annotations, ...clonedFrom(template) },
  };
}

function clonedFrom(template: ClassTemplate<unknown>): Record<string, string> {
  return { [clonedFromNameAnnotation]: template.name, [clonedFromGroupKindAnnotation]: `${template.kind}.${groupOf(template.apiVersion)}` };
}

/** A template copied for this Cluster: the class's template, patched, under a generated name with CAPI's labels. */
function copiedTemplate(
  template: ClassTemplate<unknown>,
  patched: Json,
  name: string,
  namespace: string,
  labels: Record<string, string>,
  owners: readonly Json[],
): Json {
  return {
    apiVersion: template.apiVersion,
    kind: template.kind,
    metadata: { name, namespace, labels, annotations: clonedFrom(template), ...(owners.length > 0 ? { ownerReferences: owners } : {}) },
    spec: patched.spec,
  };
}

/** The existing template's name when its content is what is wanted now; otherwise a new name derived from the content. */
function templateName(
  existing: string | undefined,
  list: readonly unknown[],
  namespace: string,
  spec: unknown,
  prefix: string,
  seed: unknown,
): string {
  if (existing !== undefined && sameContent(specOf(rawObject(list, namespace, existing)), spec)) return existing;
  return generatedName(prefix, { seed, spec: stableStringify(spec) });
}

const ref = (object: Json): ObjectReference => {
  const metadata = object.metadata as { name: string; namespace: string };
  return { apiVersion: object.apiVersion as string, kind: object.kind as string, name: metadata.name, namespace: metadata.namespace };
};

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
  const owners: Json[] = cluster.metadata.uid
    ? [{ apiVersion: `${capiGroup}/${capiVersion}`, kind: 'Cluster', name, uid: cluster.metadata.uid }]
    : [];
  const ownedLabels = { [clusterNameLabel]: name, [topologyOwnedLabel]: '' };

  // Names that never change once chosen: the Cluster's references, and the MachineDeployments found by CAPI's labels.
  const existingRef = (refName: string | undefined, list: readonly unknown[]): string | undefined =>
    refName !== undefined && rawObject(list, namespace, refName) !== undefined ? refName : undefined;
  const proxmoxClusterName =
    existingRef(cluster.spec.infrastructureRef?.name, objects.proxmoxClusters) ??
    generatedName(`${name}-`, { namespace, name, role: 'infrastructure' });
  const controlPlaneName =
    existingRef(cluster.spec.controlPlaneRef?.name, objects.talosControlPlanes) ??
    generatedName(`${name}-`, { namespace, name, role: 'controlPlane' });
  const existingControlPlane = rawObject(objects.talosControlPlanes, namespace, controlPlaneName) as
    { spec?: { infrastructureTemplate?: { name?: string } } } | undefined;

  const mds = (topology.workers?.machineDeployments ?? []).map((md) => {
    const existing = objects.machineDeployments.find((o) => {
      const labels = labelsOf(o);
      const ns = (o as { metadata?: { namespace?: string } }).metadata?.namespace ?? namespace;
      return (
        ns === namespace &&
        labels[clusterNameLabel] === name &&
        labels[topologyDeploymentNameLabel] === md.name &&
        topologyOwnedLabel in labels
      );
    }) as
      | {
          metadata: { name: string };
          spec?: { template?: { spec?: { bootstrap?: { configRef?: { name?: string } }; infrastructureRef?: { name?: string } } } };
        }
      | undefined;
    const mdName =
      existing?.metadata.name ??
      generatedName(`${name}-${md.name}-`, { namespace, name, role: 'machineDeployment', topologyName: md.name });
    return { md, mdName, existing, worker: templates.workers.get(md.class)! };
  });

  const clusterVars = { ...variables.cluster, builtin: { cluster: clusterBuiltins(cluster, namespace, topology) } };
  const controlPlaneVars = {
    ...clusterVars,
    builtin: { ...clusterVars.builtin, controlPlane: controlPlaneBuiltins(controlPlaneName, topology) },
  };
  const targets: PatchTarget[] = [
    {
      role: 'infrastructureCluster',
      description: `the ProxmoxClusterTemplate ${templates.infrastructure.name}`,
      object: templateJson(templates.infrastructure),
      variables: clusterVars,
    },
    {
      role: 'controlPlane',
      description: `the TalosControlPlaneTemplate ${templates.controlPlane.name}`,
      object: templateJson(templates.controlPlane),
      variables: controlPlaneVars,
    },
    {
      role: 'controlPlaneMachineInfrastructure',
      description: `the control plane's ProxmoxMachineTemplate ${templates.controlPlaneMachine.name}`,
      object: templateJson(templates.controlPlaneMachine),
      variables: controlPlaneVars,
    },
  ];
  for (const { md, mdName, worker } of mds) {
    const mdVars = {
      ...variables.machineDeployments.get(md.name),
      builtin: { ...clusterVars.builtin, machineDeployment: machineDeploymentBuiltins(mdName, md, topology) },
    };
    const context = { machineDeploymentClass: md.class, variables: mdVars };
    targets.push(
      {
        role: 'machineDeploymentBootstrap',
        description: `the TalosConfigTemplate ${worker.bootstrap.name} of MachineDeployment ${md.name}`,
        object: templateJson(worker.bootstrap),
        ...context,
      },
      {
        role: 'machineDeploymentInfrastructure',
        description: `the ProxmoxMachineTemplate ${worker.infrastructure.name} of MachineDeployment ${md.name}`,
        object: templateJson(worker.infrastructure),
        ...context,
      },
    );
  }
  const patched = applyPatches(cc.spec.patches ?? [], targets, classKey, log);
  if (!patched) return undefined;
  const [infraPatched, cpPatched, cpMachinePatched] = patched as [Json, Json, Json];

  const infra = fromTemplate(templates.infrastructure, infraPatched);
  const proxmoxCluster: Json = {
    apiVersion: templates.infrastructure.apiVersion,
    kind: 'ProxmoxCluster',
    metadata: {
      name: proxmoxClusterName,
      namespace,
      labels: { ...infra.labels, ...ownedLabels },
      annotations: infra.annotations,
      ...(owners.length > 0 ? { ownerReferences: owners } : {}),
    },
    spec: infra.spec,
  };

  const cpMachineName = templateName(
    existingControlPlane?.spec?.infrastructureTemplate?.name,
    objects.proxmoxMachineTemplates,
    namespace,
    cpMachinePatched.spec,
    `${name}-`,
    { namespace, name, role: 'controlPlaneMachine' },
  );
  const controlPlaneMachineTemplate = copiedTemplate(
    templates.controlPlaneMachine,
    cpMachinePatched,
    cpMachineName,
    namespace,
    ownedLabels,
    owners,
  );

  const cp = fromTemplate(templates.controlPlane, cpPatched);
  const cpMeta = {
    labels: { ...cc.spec.controlPlane.metadata?.labels, ...topology.controlPlane?.metadata?.labels },
    annotations: { ...cc.spec.controlPlane.metadata?.annotations, ...topology.controlPlane?.metadata?.annotations },
  };
  const replicas = topology.controlPlane?.replicas;
  const talosControlPlane: Json = {
    apiVersion: templates.controlPlane.apiVersion,
    kind: 'TalosControlPlane',
    metadata: {
      name: controlPlaneName,
      namespace,
      labels: { ...cp.labels, ...cpMeta.labels, ...ownedLabels },
      annotations: { ...cp.annotations, ...cpMeta.annotations },
      ...(owners.length > 0 ? { ownerReferences: owners } : {}),
    },
    spec: {
      ...cp.spec,
      ...(replicas !== undefined ? { replicas } : {}),
      version: topology.version,
      infrastructureTemplate: ref(controlPlaneMachineTemplate),
    },
  };

  const generatedMds: GeneratedMachineDeployment[] = mds.map(({ md, mdName, existing, worker }, i) => {
    const [bootstrapPatched, infraMachinePatched] = [patched[3 + 2 * i]!, patched[4 + 2 * i]!];
    const mdLabels = { ...ownedLabels, [topologyDeploymentNameLabel]: md.name };
    const prefix = `${name}-${md.name}-`;
    const seed = { namespace, name, topologyName: md.name };
    const existingSpec = existing?.spec?.template?.spec;
    const bootstrapName = templateName(
      existingSpec?.bootstrap?.configRef?.name,
      objects.talosConfigTemplates,
      namespace,
      bootstrapPatched.spec,
      prefix,
      { ...seed, role: 'bootstrap' },
    );
    const infraName = templateName(
      existingSpec?.infrastructureRef?.name,
      objects.proxmoxMachineTemplates,
      namespace,
      infraMachinePatched.spec,
      prefix,
      { ...seed, role: 'infrastructure' },
    );
    const bootstrapTemplate = copiedTemplate(worker.bootstrap, bootstrapPatched, bootstrapName, namespace, mdLabels, owners);
    const infrastructureTemplate = copiedTemplate(worker.infrastructure, infraMachinePatched, infraName, namespace, mdLabels, owners);
    return {
      topologyName: md.name,
      machineDeployment: machineDeployment(
        cluster,
        namespace,
        md,
        worker.definition,
        mdName,
        bootstrapTemplate,
        infrastructureTemplate,
        owners,
      ),
      bootstrapTemplate,
      infrastructureTemplate,
    };
  });

  return {
    controlPlaneRef: ref(talosControlPlane),
    infrastructureRef: ref(proxmoxCluster),
    proxmoxCluster,
    talosControlPlane,
    controlPlaneMachineTemplate,
    machineDeployments: generatedMds,
    objects: [
      proxmoxCluster,
      controlPlaneMachineTemplate,
      talosControlPlane,
      ...generatedMds.flatMap((md) => [md.bootstrapTemplate, md.infrastructureTemplate, md.machineDeployment]),
    ],
  };
}

function templateJson(template: ClassTemplate<{ spec: unknown }>): Json {
  return { apiVersion: template.apiVersion, kind: template.kind, spec: structuredClone(template.object.spec) };
}

function machineDeployment(
  cluster: Cluster,
  namespace: string,
  md: MachineDeploymentTopology,
  definition: MachineDeploymentClass,
  mdName: string,
  bootstrapTemplate: Json,
  infrastructureTemplate: Json,
  owners: readonly Json[],
): Json {
  const name = cluster.metadata.name;
  const topology = cluster.spec.topology!;
  const selectorLabels = { [clusterNameLabel]: name, [topologyDeploymentNameLabel]: md.name };
  const labels = { ...definition.template.metadata?.labels, ...md.metadata?.labels };
  const annotations = { ...definition.template.metadata?.annotations, ...md.metadata?.annotations };
  const optional = (field: string, value: unknown): Json => (value !== undefined ? { [field]: value } : {});
  return {
    apiVersion: `${capiGroup}/${capiVersion}`,
    kind: 'MachineDeployment',
    metadata: {
      name: mdName,
      namespace,
      labels: { ...labels, ...selectorLabels, [topologyOwnedLabel]: '' },
      annotations,
      ...(owners.length > 0 ? { ownerReferences: owners } : {}),
    },
    spec: {
      clusterName: name,
      ...optional('replicas', md.replicas),
      selector: { matchLabels: selectorLabels },
      ...optional('minReadySeconds', md.minReadySeconds ?? definition.minReadySeconds),
      ...optional('strategy', md.strategy ?? definition.strategy),
      template: {
        metadata: { labels: { ...labels, ...selectorLabels }, annotations },
        spec: {
          clusterName: name,
          version: topology.version,
          bootstrap: { configRef: ref(bootstrapTemplate) },
          infrastructureRef: ref(infrastructureTemplate),
          ...optional('failureDomain', md.failureDomain ?? definition.failureDomain),
          ...optional('nodeDrainTimeout', md.nodeDrainTimeout ?? definition.nodeDrainTimeout),
          ...optional('nodeVolumeDetachTimeout', md.nodeVolumeDetachTimeout ?? definition.nodeVolumeDetachTimeout),
          ...optional('nodeDeletionTimeout', md.nodeDeletionTimeout ?? definition.nodeDeletionTimeout),
        },
      },
    },
  };
}
