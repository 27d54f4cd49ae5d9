import { z } from 'zod';
import { Conditions } from '../conditions.ts';
import { ClusterPhase } from '../cluster.ts';
import { ApiEndpoint, ObjectEnvelope } from '../meta.ts';
import { OperationStatus } from '../operation-status.ts';
import { ClusterTopologyV1Beta2 } from './cluster-topology.ts';
import { ContractVersionedObjectReference, MetaConditions } from './meta.ts';

const NetworkRanges = z.object({ cidrBlocks: z.array(z.string()) });

/** `cluster.x-k8s.io/v1beta2` Cluster spec: v1beta1's, with group-kind references. */
export const ClusterSpecV1Beta2 = z.object({
  paused: z.boolean().optional(),
  clusterNetwork: z
    .object({
      apiServerPort: z.number().int().min(1).max(65535).optional(),
      services: NetworkRanges.optional(),
      pods: NetworkRanges.optional(),
      serviceDomain: z.string().optional(),
    })
    .optional(),
  controlPlaneEndpoint: ApiEndpoint.optional(),
  controlPlaneRef: ContractVersionedObjectReference.optional(),
  infrastructureRef: ContractVersionedObjectReference.optional(),
  /** Built from a ClusterClass, in v1beta2's shape (`classRef`, `deletion`, `healthCheck`, `rollout`). */
  topology: ClusterTopologyV1Beta2.optional(),
  availabilityGates: z.array(z.looseObject({ conditionType: z.string() })).optional(),
});
export type ClusterSpecV1Beta2 = z.infer<typeof ClusterSpecV1Beta2>;

/** v1beta2's failure domains: a list named by `name` instead of v1beta1's map. */
export const FailureDomainV1Beta2 = z.object({
  name: z.string().min(1),
  controlPlane: z.boolean().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

/** Cluster status in v1beta2: metav1 conditions, `initialization`, and v1beta1's fields under `deprecated.v1beta1`. */
export const ClusterStatusV1Beta2 = z.object({
  conditions: MetaConditions.optional(),
  initialization: z
    .object({ infrastructureProvisioned: z.boolean().optional(), controlPlaneInitialized: z.boolean().optional() })
    .optional(),
  /** Replica counts of the control plane and workers, as CAPI's controllers write them. */
  controlPlane: z.looseObject({}).optional(),
  workers: z.looseObject({}).optional(),
  failureDomains: z.array(FailureDomainV1Beta2).optional(),
  phase: ClusterPhase.optional(),
  observedGeneration: z.number().int().optional(),
  deprecated: z
    .object({
      v1beta1: z
        .object({ conditions: Conditions.optional(), failureReason: z.string().optional(), failureMessage: z.string().optional() })
        .optional(),
    })
    .optional(),
  /** Capstan's, as in v1beta1: the oldest Kubernetes version the control plane runs. */
  version: z.string().optional(),
  operation: OperationStatus.optional(),
});
export type ClusterStatusV1Beta2 = z.infer<typeof ClusterStatusV1Beta2>;

/** The v1beta2 Cluster as the API server stores it (the CRD version's schema). */
export const ClusterResourceV1Beta2 = z.object({ spec: ClusterSpecV1Beta2, status: ClusterStatusV1Beta2.optional() });

/** A `cluster.x-k8s.io/v1beta2` Cluster. */
export const ClusterV1Beta2 = ClusterResourceV1Beta2.extend(ObjectEnvelope);
export type ClusterV1Beta2 = z.infer<typeof ClusterV1Beta2>;
