import { z } from 'zod';
import type { Cluster, ClusterStatus } from '../cluster.ts';
import { capiGroup, capiStorageVersion, capiVersion } from '../groups.ts';
import { ObjectReference } from '../meta.ts';
import type { ClusterStatusV1Beta2, ClusterV1Beta2 } from '../v1beta2/cluster.ts';
import { compact, definedEntries, sameJson } from './compact.ts';
import { metaConditionsFrom } from './conditions.ts';
import { putConversionData, takeConversionData } from './conversion-data.ts';
import { ConversionError } from './conversion-error.ts';
import { topologyToV1Beta1, topologyToV1Beta2, TopologyV1Beta1Remainder } from './cluster-topology.ts';
import { referenceRemainder, toContractReference, toObjectReference } from './references.ts';

/** What a v1beta1 Cluster holds that v1beta2 cannot: its references whole (version, namespace, uid...), and its topology's remainder. */
const ClusterV1Beta1Remainder = z.object({
  spec: z.object({
    controlPlaneRef: ObjectReference.optional(),
    infrastructureRef: ObjectReference.optional(),
    topology: TopologyV1Beta1Remainder.optional(),
  }),
});
type ClusterV1Beta1Remainder = z.infer<typeof ClusterV1Beta1Remainder>;

/** Every field of a v1beta2 Cluster has a home in v1beta1: nothing is kept going down. */
const ClusterV1Beta2Remainder = z.object({});

/** v1beta1 → v1beta2. Throws ConversionError naming the field that has no v1beta2 form. */
export function clusterToV1Beta2(cluster: Cluster): ClusterV1Beta2 {
  const { metadata } = takeConversionData(cluster.metadata, ClusterV1Beta2Remainder);
  const { controlPlaneRef, infrastructureRef, topology, ...sameSpec } = cluster.spec;
  const convertedTopology = topology ? topologyToV1Beta2(topology) : undefined;
  const remainder = compact<ClusterV1Beta1Remainder['spec']>({
    controlPlaneRef: controlPlaneRef ? referenceRemainder(controlPlaneRef) : undefined,
    infrastructureRef: infrastructureRef ? referenceRemainder(infrastructureRef) : undefined,
    topology: convertedTopology?.kept,
  });
  const kept: ClusterV1Beta1Remainder | undefined = remainder ? { spec: remainder } : undefined;
  return {
    apiVersion: `${capiGroup}/${capiStorageVersion}`,
    ...(cluster.kind !== undefined ? { kind: cluster.kind } : {}),
    metadata: putConversionData(metadata, kept),
    spec: {
      ...sameSpec,
      ...(controlPlaneRef ? { controlPlaneRef: toContractReference(controlPlaneRef, 'spec.controlPlaneRef') } : {}),
      ...(infrastructureRef ? { infrastructureRef: toContractReference(infrastructureRef, 'spec.infrastructureRef') } : {}),
      ...(convertedTopology ? { topology: convertedTopology.topology } : {}),
    },
    ...(cluster.status ? { status: clusterStatusToV1Beta2(cluster.status) } : {}),
  };
}

/** v1beta2 → v1beta1. Throws ConversionError naming the field that has no v1beta1 form. */
export function clusterToV1Beta1(cluster: ClusterV1Beta2): Cluster {
  const { kept, metadata } = takeConversionData(cluster.metadata, ClusterV1Beta1Remainder);
  const { controlPlaneRef, infrastructureRef, topology, ...sameSpec } = cluster.spec;
  return {
    apiVersion: `${capiGroup}/${capiVersion}`,
    ...(cluster.kind !== undefined ? { kind: cluster.kind } : {}),
    metadata: putConversionData(metadata, undefined),
    spec: {
      ...sameSpec,
      ...(controlPlaneRef
        ? { controlPlaneRef: toObjectReference(controlPlaneRef, kept?.spec.controlPlaneRef, 'spec.controlPlaneRef') }
        : {}),
      ...(infrastructureRef
        ? { infrastructureRef: toObjectReference(infrastructureRef, kept?.spec.infrastructureRef, 'spec.infrastructureRef') }
        : {}),
      ...(topology ? { topology: topologyToV1Beta1(topology, kept?.spec.topology) } : {}),
    },
    ...(cluster.status ? { status: clusterStatusToV1Beta1(cluster.status) } : {}),
  };
}

function clusterStatusToV1Beta2(status: ClusterStatus): ClusterStatusV1Beta2 {
  const { infrastructureReady, controlPlaneReady, failureDomains, conditions, failureReason, failureMessage, v1beta2, ...same } = status;
  const preview = v1beta2 ?? derivedV1Beta2(conditions);
  return {
    ...same,
    ...definedEntries({
      conditions: preview?.conditions,
      controlPlane: preview?.controlPlane,
      workers: preview?.workers,
      initialization: compact({ infrastructureProvisioned: infrastructureReady, controlPlaneInitialized: controlPlaneReady }),
      failureDomains: failureDomains ? failureDomainList(failureDomains) : undefined,
      deprecated: compact({ v1beta1: compact({ conditions, failureReason, failureMessage }) }),
    }),
  };
}

function clusterStatusToV1Beta1(status: ClusterStatusV1Beta2): ClusterStatus {
  const { conditions: metaConditions, controlPlane, workers, initialization, failureDomains, deprecated, ...same } = status;
  const old = deprecated?.v1beta1;
  const preview = compact({ conditions: metaConditions, controlPlane, workers });
  // Omitted when converting up would derive it again from the v1beta1 conditions; `{}` when there
  // is nothing to derive from them because the v1beta2 object had none of it.
  const redundant = sameJson(preview, derivedV1Beta2(old?.conditions));
  return {
    ...same,
    ...definedEntries({
      infrastructureReady: initialization?.infrastructureProvisioned,
      controlPlaneReady: initialization?.controlPlaneInitialized,
      failureDomains: failureDomains ? failureDomainMap(failureDomains) : undefined,
      conditions: old?.conditions,
      failureReason: old?.failureReason,
      failureMessage: old?.failureMessage,
      v1beta2: redundant ? undefined : (preview ?? {}),
    }),
  };
}

type Preview = NonNullable<ClusterStatus['v1beta2']>;

function derivedV1Beta2(conditions: ClusterStatus['conditions']): Preview | undefined {
  return conditions ? { conditions: metaConditionsFrom(conditions) } : undefined;
}

// v1beta1's map of failure domains by name ↔ v1beta2's list, sorted by name as CAPI writes it.
function failureDomainList(domains: Record<string, unknown>): NonNullable<ClusterStatusV1Beta2['failureDomains']> {
  return Object.keys(domains)
    .sort()
    .map((name) => {
      const value = domains[name];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ConversionError(`status.failureDomains.${name}`, 'must be an object ({controlPlane, attributes}) to convert to v1beta2');
      }
      return { name, ...(value as { controlPlane?: boolean; attributes?: Record<string, string> }) };
    });
}

function failureDomainMap(domains: NonNullable<ClusterStatusV1Beta2['failureDomains']>): Record<string, unknown> {
  return Object.fromEntries(domains.map(({ name, ...rest }) => [name, rest]));
}
