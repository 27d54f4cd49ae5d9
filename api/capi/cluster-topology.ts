import { z } from 'zod';
import { EtcdReplicas } from './etcd-replicas.ts';
import { Version } from '../versions.ts';
import { MachineDeploymentStrategy } from './machine-deployment.ts';
import { AnyJson, Duration, TemplateMeta } from './meta.ts';

/** A value for one of the class's variables (clusterv1.ClusterVariable); the value is checked against the class's schema. */
export const ClusterVariable = z.object({
  name: z.string().min(1),
  /** CAPI's variable discovery from runtime extensions: Capstan runs none, so it is refused when set. */
  definitionFrom: z.string().optional(),
  value: AnyJson,
});
export type ClusterVariable = z.infer<typeof ClusterVariable>;

/** One worker pool of a topology (clusterv1.MachineDeploymentTopology). */
export const MachineDeploymentTopology = z.object({
  metadata: TemplateMeta.optional(),
  /** The worker class in the ClusterClass. */
  class: z.string().min(1),
  /** Unique in the topology; part of the generated MachineDeployment's name and labels. */
  name: z.string().min(1),
  failureDomain: z.string().optional(),
  /** Absent: CAPI leaves the count to the MachineDeployment's own default (1). */
  replicas: z.number().int().min(0).optional(),
  nodeDrainTimeout: Duration.optional(),
  nodeVolumeDetachTimeout: Duration.optional(),
  nodeDeletionTimeout: Duration.optional(),
  minReadySeconds: z.number().int().min(0).optional(),
  strategy: MachineDeploymentStrategy.optional(),
  /** Capstan's health checks are MachineHealthCheck objects; accepted here and reported unsupported. */
  machineHealthCheck: z.looseObject({}).optional(),
  variables: z.object({ overrides: z.array(ClusterVariable).optional() }).optional(),
});
export type MachineDeploymentTopology = z.infer<typeof MachineDeploymentTopology>;

/** clusterv1.Topology: a Cluster built from a ClusterClass instead of objects written by hand. */
export const ClusterTopology = z.object({
  /** The ClusterClass, in the Cluster's namespace. */
  class: z.string().min(1),
  /** Cross-namespace classes (CAPI v1.8+): refused, the class must be in the Cluster's namespace. */
  classNamespace: z.string().optional(),
  /** Kubernetes version of the control plane and the workers, `v1.34.2`; patch it to upgrade. */
  version: Version,
  rolloutAfter: z.string().optional(),
  controlPlane: z
    .object({
      metadata: TemplateMeta.optional(),
      /** Absent: the control plane's own default (1). An odd etcd size, as TalosControlPlane's own field. */
      replicas: EtcdReplicas.optional(),
      /** TalosControlPlane has no drain or health-check fields to carry these: reported unsupported. */
      machineHealthCheck: z.looseObject({}).optional(),
      nodeDrainTimeout: Duration.optional(),
      nodeVolumeDetachTimeout: Duration.optional(),
      nodeDeletionTimeout: Duration.optional(),
    })
    .optional(),
  workers: z.object({ machineDeployments: z.array(MachineDeploymentTopology).optional() }).optional(),
  variables: z.array(ClusterVariable).optional(),
});
export type ClusterTopology = z.infer<typeof ClusterTopology>;
