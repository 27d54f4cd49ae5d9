import { clusterNameLabel } from '../../api/capi/annotations.ts';
import { Watched, type WatchedKindName } from './kinds.ts';
import { stringAt, type RawObject } from './raw-object.ts';

/** Where an object names the cluster it belongs to: the field a user fixes when that cluster does not exist. */
export type ClaimSource = 'spec.clusterName' | 'label' | 'ownerReference';

/** A cluster an object names as its own, and where it names it. */
export interface ClusterClaim {
  readonly cluster: string;
  readonly source: ClaimSource;
}

/**
 * The clusters an object names by itself, before any Cluster references it: a MachineDeployment
 * by `spec.clusterName` (CAPI's field, immutable); a TalosControlPlane or ProxmoxCluster by the
 * `cluster.x-k8s.io/cluster-name` label or a Cluster owner reference (both kinds are tied to a
 * Cluster only by its reference to them, so an unlabelled, unowned one names none).
 */
export function claimsOf(kind: WatchedKindName, object: RawObject): ClusterClaim[] {
  switch (kind) {
    case 'MachineDeployment': {
      const cluster = stringAt(object, 'spec.clusterName');
      return cluster ? [{ cluster, source: 'spec.clusterName' }] : [];
    }
    case 'TalosControlPlane':
    case 'ProxmoxCluster': {
      const label = object.metadata?.labels?.[clusterNameLabel];
      const owners = (object.metadata?.ownerReferences ?? []).filter(
        (r) => r.kind === Watched.Cluster.kind && r.apiVersion.startsWith(`${Watched.Cluster.group}/`),
      );
      return [
        ...(label ? [{ cluster: label, source: 'label' as const }] : []),
        ...owners.filter((r) => r.name !== label).map((r) => ({ cluster: r.name, source: 'ownerReference' as const })),
      ];
    }
    default:
      return [];
  }
}

/** The objects of a kind that name `cluster` as their own. */
export function claiming(kind: WatchedKindName, objects: readonly RawObject[], cluster: string): RawObject[] {
  return objects.filter((object) => claimsOf(kind, object).some((claim) => claim.cluster === cluster));
}
