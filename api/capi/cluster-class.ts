import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, capiGroup, capiVersion } from './groups.ts';
import { MachineDeploymentStrategy } from './machine-deployment.ts';
import { AnyJson, Duration, ObjectEnvelope, ObjectReference, TemplateMeta } from './meta.ts';

/** clusterv1.LocalObjectTemplate: a reference to a template in the class's namespace. */
const LocalObjectTemplate = z.object({ ref: ObjectReference });

/** A worker class (clusterv1.MachineDeploymentClass): the templates each MachineDeployment of the class is made from. */
export const MachineDeploymentClass = z.object({
  class: z.string().min(1),
  template: z.object({
    metadata: TemplateMeta.optional(),
    /** Must name a TalosConfigTemplate. */
    bootstrap: LocalObjectTemplate,
    /** Must name a ProxmoxMachineTemplate. */
    infrastructure: LocalObjectTemplate,
  }),
  /** CAPI's own naming templates: Capstan names as CAPI's defaults do, so refused when set. */
  namingStrategy: z.looseObject({}).optional(),
  machineHealthCheck: z.looseObject({}).optional(),
  failureDomain: z.string().optional(),
  nodeDrainTimeout: Duration.optional(),
  nodeVolumeDetachTimeout: Duration.optional(),
  nodeDeletionTimeout: Duration.optional(),
  minReadySeconds: z.number().int().min(0).optional(),
  strategy: MachineDeploymentStrategy.optional(),
});
export type MachineDeploymentClass = z.infer<typeof MachineDeploymentClass>;

/** clusterv1.ClusterClassVariable: a knob of the class, its values checked against an OpenAPI v3 schema. */
export const ClusterClassVariable = z.object({
  name: z.string().min(1),
  required: z.boolean(),
  metadata: TemplateMeta.optional(),
  schema: z.object({
    /** The Kubernetes CRD subset of OpenAPI v3 (apiextensions JSONSchemaProps). */
    openAPIV3Schema: z.looseObject({}),
  }),
});
export type ClusterClassVariable = z.infer<typeof ClusterClassVariable>;

/** clusterv1.PatchSelector: which of the class's templates a patch definition applies to. */
export const PatchSelector = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  matchResources: z.object({
    controlPlane: z.boolean().optional(),
    infrastructureCluster: z.boolean().optional(),
    machineDeploymentClass: z.object({ names: z.array(z.string()).optional() }).optional(),
    /** Capstan has no MachinePools: refused when set. */
    machinePoolClass: z.looseObject({}).optional(),
  }),
});
export type PatchSelector = z.infer<typeof PatchSelector>;

/** clusterv1.JSONPatch: one RFC 6902 operation, its value written out or taken from a variable or a template. */
export const JsonPatch = z.object({
  op: z.string().min(1),
  path: z.string().min(1),
  value: AnyJson.optional(),
  valueFrom: z
    .object({
      /** A variable name, dotted into objects: `controlPlane.cores`, `builtin.cluster.name`. */
      variable: z.string().optional(),
      /** A Go template; Capstan renders the interpolation subset only. */
      template: z.string().optional(),
    })
    .optional(),
});
export type JsonPatch = z.infer<typeof JsonPatch>;

/** clusterv1.ClusterClassPatch: inline definitions, or a runtime extension (refused). */
export const ClusterClassPatch = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  /** A Go template rendering `true` or `false`. */
  enabledIf: z.string().optional(),
  definitions: z.array(z.object({ selector: PatchSelector, jsonPatches: z.array(JsonPatch) })).optional(),
  /** Runtime extensions: Capstan calls none, so refused. */
  external: z.looseObject({}).optional(),
});
export type ClusterClassPatch = z.infer<typeof ClusterClassPatch>;

/** `cluster.x-k8s.io/v1beta1` ClusterClass spec, with CAPI's field names. */
export const ClusterClassSpec = z.object({
  /** Must name a ProxmoxClusterTemplate. */
  infrastructure: LocalObjectTemplate,
  infrastructureNamingStrategy: z.looseObject({}).optional(),
  controlPlane: z.object({
    metadata: TemplateMeta.optional(),
    /** Must name a TalosControlPlaneTemplate. */
    ref: ObjectReference,
    /** Must name a ProxmoxMachineTemplate: the control-plane machines' VM. */
    machineInfrastructure: LocalObjectTemplate.optional(),
    machineHealthCheck: z.looseObject({}).optional(),
    namingStrategy: z.looseObject({}).optional(),
    nodeDrainTimeout: Duration.optional(),
    nodeVolumeDetachTimeout: Duration.optional(),
    nodeDeletionTimeout: Duration.optional(),
  }),
  workers: z
    .object({
      machineDeployments: z.array(MachineDeploymentClass).optional(),
      /** Capstan has no MachinePools: refused when set. */
      machinePools: z.array(z.looseObject({})).optional(),
    })
    .optional(),
  variables: z.array(ClusterClassVariable).optional(),
  patches: z.array(ClusterClassPatch).optional(),
});
export type ClusterClassSpec = z.infer<typeof ClusterClassSpec>;

/** ClusterClass status: CAPI's; Capstan writes conditions only. */
export const ClusterClassStatus = z.object({
  observedGeneration: z.number().int().optional(),
  conditions: Conditions.optional(),
  variables: z.array(z.looseObject({ name: z.string() })).optional(),
});

/** The object as the API server stores it (the CRD's schema). */
export const ClusterClassResource = z.object({ spec: ClusterClassSpec, status: ClusterClassStatus.optional() });

/** A ClusterClass as read from the API server or a manifest. */
export const ClusterClass = ClusterClassResource.extend(ObjectEnvelope);
export type ClusterClass = z.infer<typeof ClusterClass>;

/** The ClusterClass CRD: `kubectl get cc` as in CAPI. */
export const clusterClassCrd = defineCrd(
  {
    group: capiGroup,
    version: capiVersion,
    kind: 'ClusterClass',
    plural: 'clusterclasses',
    singular: 'clusterclass',
    shortNames: ['cc'],
    categories: [capiCategory],
    printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
  },
  ClusterClassResource,
);
