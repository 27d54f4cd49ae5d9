import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { ClusterTopology } from './cluster-topology.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, capiGroup, capiVersion } from './groups.ts';
import { AnyJson, ApiEndpoint, ObjectEnvelope, ObjectReference } from './meta.ts';
import { OperationStatus } from './operation-status.ts';
import { MetaConditions } from './v1beta2/meta.ts';

const NetworkRanges = z.object({ cidrBlocks: z.array(z.string()) });

/** `cluster.x-k8s.io/v1beta1` Cluster spec, with CAPI's field names. */
export const ClusterSpec = z.object({
  /** Capstan starts nothing for a paused cluster (as the `cluster.x-k8s.io/paused` annotation). */
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
  /** Must name a TalosControlPlane. */
  controlPlaneRef: ObjectReference.optional(),
  /** Must name a ProxmoxCluster. */
  infrastructureRef: ObjectReference.optional(),
  /** Built from a ClusterClass: Capstan generates the referenced objects (api/capi/topology). */
  topology: ClusterTopology.optional(),
  availabilityGates: z.array(z.looseObject({ conditionType: z.string() })).optional(),
});
export type ClusterSpec = z.infer<typeof ClusterSpec>;

/** CAPI's Cluster phases (for humans; nothing decides on them). */
export const ClusterPhase = z.enum(['Pending', 'Provisioning', 'Provisioned', 'Deleting', 'Failed', 'Unknown']);

/** Cluster status: CAPI's fields, plus the Kubernetes version and Capstan's running operation. */
export const ClusterStatus = z.object({
  phase: ClusterPhase.optional(),
  infrastructureReady: z.boolean().optional(),
  controlPlaneReady: z.boolean().optional(),
  failureReason: z.string().optional(),
  failureMessage: z.string().optional(),
  failureDomains: z.record(z.string(), AnyJson).optional(),
  observedGeneration: z.number().int().optional(),
  conditions: Conditions.optional(),
  /** The oldest Kubernetes version the control plane runs (as KCP reports it). */
  version: z.string().optional(),
  operation: OperationStatus.optional(),
  /** CAPI v1beta1's preview of v1beta2's status: what v1beta2 readers see in `status.conditions`. */
  v1beta2: z
    .object({ conditions: MetaConditions.optional(), controlPlane: z.looseObject({}).optional(), workers: z.looseObject({}).optional() })
    .optional(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

/** The object as the API server stores it (the CRD's schema). */
export const ClusterResource = z.object({ spec: ClusterSpec, status: ClusterStatus.optional() });

/** A Cluster as read from the API server or a manifest. */
export const Cluster = ClusterResource.extend(ObjectEnvelope);
export type Cluster = z.infer<typeof Cluster>;

/** The Cluster CRD: `kubectl get cl` shows phase, age and version as CAPI's does. */
export const clusterCrd = defineCrd(
  {
    group: capiGroup,
    version: capiVersion,
    kind: 'Cluster',
    plural: 'clusters',
    singular: 'cluster',
    shortNames: ['cl'],
    categories: [capiCategory],
    printerColumns: [
      { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Cluster lifecycle phase' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Version', type: 'string', jsonPath: '.status.version', description: 'Kubernetes version of the control plane' },
      { name: 'Operation', type: 'string', jsonPath: '.status.operation.name', priority: 1 },
      { name: 'Step', type: 'string', jsonPath: '.status.operation.step', priority: 1 },
    ],
  },
  ClusterResource,
);
