import {
  clonedFromGroupKindAnnotation,
  clonedFromNameAnnotation,
  clusterNameLabel,
  topologyDeploymentNameLabel,
  topologyOwnedLabel,
} from '../annotations.ts';
import type { MachineDeploymentClass } from '../cluster-class.ts';
import type { MachineDeploymentTopology } from '../cluster-topology.ts';
import type { Cluster } from '../cluster.ts';
import { capiGroup, capiVersion, groupOf } from '../groups.ts';
import type { ObjectReference } from '../meta.ts';
import type { ClassTemplate } from './class-templates.ts';

export type Json = Record<string, unknown>;
type Strings = Record<string, string>;

/** What every object generated for one Cluster shares: its namespace, CAPI's labels, the Cluster as owner. */
export interface GeneratedContext {
  readonly namespace: string;
  readonly clusterName: string;
  readonly ownedLabels: Strings;
  readonly owners: readonly Json[];
}

export function generatedContext(cluster: Cluster, namespace: string): GeneratedContext {
  const name = cluster.metadata.name;
  const uid = cluster.metadata.uid;
  return {
    namespace,
    clusterName: name,
    ownedLabels: { [clusterNameLabel]: name, [topologyOwnedLabel]: '' },
    // The API server garbage-collects generated objects with their Cluster, as under CAPI.
    owners: uid ? [{ apiVersion: `${capiGroup}/${capiVersion}`, kind: 'Cluster', name, uid }] : [],
  };
}

/** A reference to a generated object, as a Cluster or MachineDeployment holds it. */
export function refTo(object: Json): ObjectReference {
  const metadata = object.metadata as { name: string; namespace: string };
  return { apiVersion: object.apiVersion as string, kind: object.kind as string, name: metadata.name, namespace: metadata.namespace };
}

function clonedFrom(template: ClassTemplate<unknown>): Strings {
  return { [clonedFromNameAnnotation]: template.name, [clonedFromGroupKindAnnotation]: `${template.kind}.${groupOf(template.apiVersion)}` };
}

function metadata(name: string, context: GeneratedContext, labels: Strings, annotations: Strings): Json {
  return {
    name,
    namespace: context.namespace,
    labels,
    annotations,
    ...(context.owners.length > 0 ? { ownerReferences: context.owners } : {}),
  };
}

/**
 * The object a template stamps out (ProxmoxCluster from ProxmoxClusterTemplate, TalosControlPlane
 * from TalosControlPlaneTemplate): the patched template's `spec.template` becomes its spec and
 * metadata, `extra` labels and annotations over the template's, CAPI's labels over both.
 */
export function objectFromTemplate(
  kind: string,
  name: string,
  template: ClassTemplate<unknown>,
  patched: Json,
  context: GeneratedContext,
  extra: { readonly labels?: Strings; readonly annotations?: Strings } = {},
): Json & { spec: Json } {
  const inner = (patched.spec as { template?: { spec?: Json; metadata?: { labels?: Strings; annotations?: Strings } } }).template;
  return {
    apiVersion: template.apiVersion,
    kind,
    metadata: metadata(
      name,
      context,
      { ...inner?.metadata?.labels, ...extra.labels, ...context.ownedLabels },
      { ...inner?.metadata?.annotations, ...extra.annotations, ...clonedFrom(template) },
    ),
    spec: structuredClone(inner?.spec ?? {}),
  };
}

/** A template copied for this Cluster: the class's template, patched, under a generated name with CAPI's labels. */
export function copiedTemplate(
  template: ClassTemplate<unknown>,
  patched: Json,
  name: string,
  context: GeneratedContext,
  labels: Strings,
): Json {
  return {
    apiVersion: template.apiVersion,
    kind: template.kind,
    metadata: metadata(name, context, { ...context.ownedLabels, ...labels }, clonedFrom(template)),
    spec: patched.spec,
  };
}

const optional = (field: string, value: unknown): Json => (value !== undefined ? { [field]: value } : {});

/**
 * A topology MachineDeployment: the topology entry's fields over its worker class's, CAPI's
 * selector labels, the topology's version, and its two generated templates.
 */
export function machineDeploymentObject(
  md: MachineDeploymentTopology,
  definition: MachineDeploymentClass,
  name: string,
  version: string,
  templates: { readonly bootstrap: Json; readonly infrastructure: Json },
  context: GeneratedContext,
): Json {
  const selectorLabels = { [clusterNameLabel]: context.clusterName, [topologyDeploymentNameLabel]: md.name };
  const labels = { ...definition.template.metadata?.labels, ...md.metadata?.labels };
  const annotations = { ...definition.template.metadata?.annotations, ...md.metadata?.annotations };
  return {
    apiVersion: `${capiGroup}/${capiVersion}`,
    kind: 'MachineDeployment',
    metadata: metadata(name, context, { ...labels, ...selectorLabels, ...context.ownedLabels }, annotations),
    spec: {
      clusterName: context.clusterName,
      ...optional('replicas', md.replicas),
      selector: { matchLabels: selectorLabels },
      ...optional('minReadySeconds', md.minReadySeconds ?? definition.minReadySeconds),
      ...optional('strategy', md.strategy ?? definition.strategy),
      template: {
        metadata: { labels: { ...labels, ...selectorLabels }, annotations },
        spec: {
          clusterName: context.clusterName,
          version,
          bootstrap: { configRef: refTo(templates.bootstrap) },
          infrastructureRef: refTo(templates.infrastructure),
          ...optional('failureDomain', md.failureDomain ?? definition.failureDomain),
          ...optional('nodeDrainTimeout', md.nodeDrainTimeout ?? definition.nodeDrainTimeout),
          ...optional('nodeVolumeDetachTimeout', md.nodeVolumeDetachTimeout ?? definition.nodeVolumeDetachTimeout),
          ...optional('nodeDeletionTimeout', md.nodeDeletionTimeout ?? definition.nodeDeletionTimeout),
        },
      },
    },
  };
}
